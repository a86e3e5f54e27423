// Tells the server the viewer's IANA time zone so that pages show times in it (see ViewerClock).
// The page says which zone its request carried (data-sent) and, when the server knows that zone,
// its offset from UTC at this moment in minutes east (data-offset). The cookie is written only when
// the browser's zone differs, so a page load does not read document.cookie, a synchronous round trip
// to the browser's cookie store.
// Asking for the zone's name (Intl) costs a tab 20 to 50 ms of its main thread the first time, just
// when it paints its first frame; the browser's UTC offset costs nothing. When the offsets agree,
// the zone sent is right for the times shown now, so the name is checked a few seconds after the
// page has loaded, once it is idle (a move to another zone of the same offset is then caught);
// otherwise at once.
(function () {
    var data = (document.currentScript && document.currentScript.dataset) || {};
    var sent = data.sent || "";

    function check() {
        try {
            var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
            if (zone && zone !== sent) {
                document.cookie = "tollgate.tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
            }
        } catch (e) {
            // No Intl support: times stay in UTC.
        }
    }

    if (sent && data.offset === String(-new Date().getTimezoneOffset())) {
        window.addEventListener("load", function () {
            setTimeout(function () {
                if (window.requestIdleCallback) {
                    window.requestIdleCallback(check, { timeout: 5000 });
                } else {
                    check();
                }
            }, 3000);
        });
    } else {
        check();
    }
})();
