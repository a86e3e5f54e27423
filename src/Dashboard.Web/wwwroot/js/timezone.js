// Tells the server the viewer's IANA time zone so that pages show times in it (see ViewerClock).
(function () {
    try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone && document.cookie.indexOf("tollgate.tz=" + encodeURIComponent(zone)) < 0) {
            document.cookie = "tollgate.tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
        }
    } catch (e) {
        // No Intl support: times stay in UTC.
    }
})();
