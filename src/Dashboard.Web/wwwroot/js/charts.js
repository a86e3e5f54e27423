// Draws every element with a data-chart attribute: the attribute holds an ECharts option as JSON,
// rendered by the server. No inline script, so a strict content security policy stays possible.
// Interactive pages call tollgateCharts.draw(element) after they render one. Nothing is drawn into
// the prerendered page: its circuit's first render replaces those elements, so a chart drawn there
// would be thrown away, after ECharts had been loaded and run while the page was painting its first
// frame. ECharts is loaded (libraries.js) the first time a page has a chart to draw.
(function () {
    // Charts drawn on this page, resized with the window. A live page replaces a chart's element when
    // its figures change: each draw first lets go of the charts whose elements have left the page.
    var drawn = [];

    function letGoOfReplaced() {
        drawn = drawn.filter(function (d) {
            if (!d.element.isConnected) {
                d.chart.dispose();
            }
            return d.element.isConnected;
        });
    }

    function draw(root) {
        letGoOfReplaced();
        var charts = root.querySelectorAll("[data-chart]");
        if (charts.length === 0) {
            return Promise.resolve();
        }
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
        letGoOfReplaced();
        drawn.forEach(function (d) { d.chart.resize(); });
    });
    window.tollgateCharts = { draw: draw };
})();
