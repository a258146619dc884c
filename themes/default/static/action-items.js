/* Marks open action items whose due date has passed, by the reader's calendar.
 * The build never reads the clock (its output must be byte-identical from one day to
 * the next), so "overdue" is decided here: every element with data-due="YYYY-MM-DD"
 * before today gets the class is-overdue and its hidden "Overdue" label is shown.
 * Without this script the lists still come sorted by due date, most overdue first. */
(function () {
  "use strict";
  var now = new Date();
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  var overdue = 0;
  document.querySelectorAll("[data-due]").forEach(function (item) {
    if (item.getAttribute("data-due") >= today) return;
    item.classList.add("is-overdue");
    var label = item.querySelector("[data-overdue-label]");
    if (label) label.hidden = false;
    overdue += 1;
  });
  var summary = document.querySelector("[data-overdue-summary]");
  if (summary && overdue > 0) {
    // On one page of a longer list, the count is of that page's items.
    var where = summary.getAttribute("data-overdue-summary") === "page" ? " on this page" : "";
    summary.textContent = overdue + (overdue === 1 ? " open item" + where + " is" : " open items" + where + " are") + " past due (as of " + today + ").";
    summary.hidden = false;
  }
})();
