// mljobs: small enhancements; every page works without this file.
document.documentElement.classList.add("js");

// Blank fields stay out of the URL, so a shared link holds only what was chosen.
function submitClean(form) {
  form.querySelectorAll("input, select").forEach(function (el) {
    if ((el.type === "text" || el.type === "search" || el.type === "number" || el.type === "date" || el.tagName === "SELECT") && el.value === "") {
      el.disabled = true;
    }
  });
  form.submit();
}

// Ticking a filter box or changing the sort submits the filter form (the button stays for no-JS use).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.classList && el.classList.contains("autosubmit") && el.form) {
    submitClean(el.form);
  }
});
document.addEventListener("submit", function (event) {
  if (event.target.matches("form[method=get]")) {
    event.preventDefault();
    submitClean(event.target);
  }
});

// On a phone the filters start folded, so the results come first.
document.addEventListener("DOMContentLoaded", function () {
  if (window.matchMedia("(max-width: 860px)").matches) {
    document.querySelectorAll("details.filters").forEach(function (d) { d.open = false; });
  }
});

// Coming back (the back button may restore this page as it was), the blank fields work again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("input:disabled, select:disabled").forEach(function (el) { el.disabled = false; });
});
