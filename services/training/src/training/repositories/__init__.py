"""Every query of the training service; typed records at the boundary."""
