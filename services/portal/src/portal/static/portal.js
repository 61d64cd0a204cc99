// Every htmx request carries the session's CSRF token in a header (forms carry it in a field).
document.addEventListener("htmx:config:request", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && event.detail && event.detail.ctx && event.detail.ctx.request) {
    event.detail.ctx.request.headers["X-CSRF-Token"] = meta.getAttribute("content");
  }
});
// After a swap, move the focus to the new content's heading or message, so that a screen
// reader reads what changed.
document.addEventListener("htmx:after:swap", function (event) {
  var target = event.detail && event.detail.ctx && event.detail.ctx.target;
  if (!target || !target.isConnected) { return; }
  var focus = target.querySelector("[data-focus]") || (target.matches("[data-focus]") ? target : null);
  if (focus) {
    if (!focus.hasAttribute("tabindex")) { focus.setAttribute("tabindex", "-1"); }
    focus.focus();
  }
});
