// mljobs: small enhancements; every page works without this file.
// Ticking a filter box or changing the sort submits the filter form (the button stays for no-JS use).
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.classList && el.classList.contains("autosubmit") && el.form) {
    el.form.submit();
  }
});
// On a phone the filters start folded, so the results come first.
document.addEventListener("DOMContentLoaded", function () {
  if (window.matchMedia("(max-width: 860px)").matches) {
    document.querySelectorAll("details.filters").forEach(function (d) { d.open = false; });
  }
});
