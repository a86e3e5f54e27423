// Tells the server the viewer's IANA time zone so that pages show times in it (see ViewerClock).
// The page says which zone its request carried (data-sent); the cookie is written only when that
// differs, so a page load does not read document.cookie, a synchronous round trip to the browser's
// cookie store.
(function () {
    try {
        var sent = (document.currentScript && document.currentScript.dataset.sent) || "";
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone && zone !== sent) {
            document.cookie = "tollgate.tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
        }
    } catch (e) {
        // No Intl support: times stay in UTC.
    }
})();
