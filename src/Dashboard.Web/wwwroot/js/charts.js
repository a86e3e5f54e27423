// Draws every element with a data-chart attribute: the attribute holds an ECharts option as JSON,
// rendered by the server. No inline script, so a strict content security policy stays possible.
// Runs on page load; interactive pages call tollgateCharts.draw(element) after they render one.
// A chart is drawn when it comes near the screen: the weekly review's sits below the first screen,
// and ECharts (1.1 MB to fetch, parse and run, through libraries.js) would otherwise compete with
// the page's circuit for the processor while the page becomes interactive. A viewer who never
// scrolls to it never loads ECharts.
(function () {
    // How far from the screen a chart starts to be drawn, so that it is there when scrolled to.
    var nearScreen = "400px 0px";
    var watcher = null;
    // Charts waiting to come near the screen, and charts drawn (resized with the window). A live page
    // replaces its chart element when its figures change: each draw lets go of the replaced ones.
    var waiting = [];
    var drawn = [];

    function letGoOfReplaced() {
        waiting = waiting.filter(function (el) {
            if (!el.isConnected) {
                watcher.unobserve(el);
            }
            return el.isConnected;
        });
        drawn = drawn.filter(function (d) {
            if (!d.element.isConnected) {
                d.chart.dispose();
            }
            return d.element.isConnected;
        });
    }

    function draw(root) {
        letGoOfReplaced();
        var charts = Array.prototype.filter.call(root.querySelectorAll("[data-chart]"), function (el) {
            return el.dataset.chartDrawn !== "1";
        });
        if (charts.length === 0) {
            return Promise.resolve();
        }
        if (typeof IntersectionObserver === "undefined") {
            return drawNow(charts);
        }
        charts.forEach(function (el) {
            if (waiting.indexOf(el) < 0) {
                watch().observe(el);
                waiting.push(el);
            }
        });
        return Promise.resolve();
    }

    function watch() {
        if (watcher === null) {
            watcher = new IntersectionObserver(function (entries) {
                var seen = [];
                entries.forEach(function (entry) {
                    if (entry.isIntersecting) {
                        watcher.unobserve(entry.target);
                        waiting = waiting.filter(function (el) { return el !== entry.target; });
                        seen.push(entry.target);
                    }
                });
                if (seen.length > 0) {
                    drawNow(seen);
                }
            }, { rootMargin: nearScreen });
        }
        return watcher;
    }

    function drawNow(charts) {
        return window.tollgateLibraries.load("echarts").then(function () { drawEach(charts); }, function () {
            // Said in place of the chart; the figures stay in the table beside it.
            charts.forEach(function (el) { el.textContent = "The chart could not be drawn: its script did not load."; });
        });
    }

    function drawEach(charts) {
        charts.forEach(function (el) {
            if (el.dataset.chartDrawn === "1" || !el.isConnected) {
                return;
            }
            var option;
            try {
                option = JSON.parse(el.getAttribute("data-chart"));
            } catch (e) {
                el.textContent = "Chart data could not be read.";
                return;
            }
            var chart = echarts.init(el, null, { renderer: "svg" });
            chart.setOption(option);
            el.dataset.chartDrawn = "1";
            drawn.push({ element: el, chart: chart });
        });
    }
    window.addEventListener("resize", function () {
        drawn.forEach(function (d) { d.chart.resize(); });
    });
    window.tollgateCharts = { draw: draw };
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
})();
