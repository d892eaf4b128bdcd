// Kept out of timelinejs.html: the Content-Security-Policy allows no inline scripts.
// The same filters as the main page: /static/timelinejs.html?type=visit&actor=RUS
// No web font (TimelineJS would fetch one from its CDN, which the policy and offline use both forbid);
// script_path points TimelineJS at the vendored copy for anything else it loads.
window.timeline = new TL.Timeline("timeline-embed", "/timeline/timelinejs.json" + window.location.search, {
  font: null,
  script_path: "/static/vendor/timelinejs/js/",
});
