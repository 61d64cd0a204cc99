CREATE DATABASE capmetiers_membership;
CREATE DATABASE capmetiers_training;
CREATE DATABASE capmetiers_booking;
CREATE DATABASE capmetiers_billing;
CREATE DATABASE capmetiers_exchange;
