// Loads the large drawing libraries (ECharts, 1.1 MB; Cytoscape, 0.4 MB) only on a page that draws
// with them, once per page: every other page would otherwise fetch, compile and run them before it
// becomes interactive. Their fingerprinted addresses come from this script element's data attributes
// (data-echarts, data-cytoscape), which App.razor writes. Loaded as a script element from this origin,
// so the content security policy needs no exception.
(function () {
    var addresses = Object.assign({}, document.currentScript && document.currentScript.dataset);
    var loading = {};

    function load(name) {
        if (!loading[name]) {
            loading[name] = new Promise(function (resolve, reject) {
                var src = addresses[name];
                if (!src) {
                    reject(new Error("no address for the library " + name));
                    return;
                }
                var script = document.createElement("script");
                script.src = src;
                script.onload = function () { resolve(); };
                script.onerror = function () {
                    delete loading[name];
                    reject(new Error("the library " + name + " could not be loaded"));
                };
                document.head.appendChild(script);
            });
        }
        return loading[name];
    }

    window.tollgateLibraries = { load: load };
})();
