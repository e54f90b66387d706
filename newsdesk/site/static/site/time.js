// Every <time datetime> with a time of day is shown in the site's one style ("3 Dec 2026,
// 21:20", as the server writes it in UTC) in the reader's own time zone, and the footer's
// "Times are UTC." then names that zone. Without JavaScript, or when the browser names no
// zone, the server's UTC stays.
(function () {
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var zone, parts;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    parts = new Intl.DateTimeFormat("en-GB", {
      day: "numeric", month: "numeric", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone
    });
  } catch (e) { return; }
  if (!zone) return;
  function text(when) {
    var p = {};
    parts.formatToParts(when).forEach(function (part) { p[part.type] = part.value; });
    return Number(p.day) + " " + MONTHS[Number(p.month) - 1] + " " + p.year + ", " + p.hour + ":" + p.minute;
  }
  function show() {
    document.querySelectorAll("time[datetime*='T']").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) el.textContent = text(when);
    });
    var note = document.querySelector("[data-tz-note]");
    if (note && zone !== "UTC" && zone !== "Etc/UTC") {
      note.textContent = "Times are in your time zone (" + zone.replace(/_/g, " ") + ").";
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
})();
