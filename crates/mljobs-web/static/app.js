// mljobs: small enhancements; every page works without this file.
// Ticking a filter box or changing the sort submits the filter form (the button stays for no-JS use).
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.classList && el.classList.contains("autosubmit") && el.form) {
    el.form.submit();
  }
});
