/* smartward-ioc: keep Dash's undo history short. dash-renderer records every input prop change a component makes
   (each dcc.Interval tick) in store.history.past and never trims it while the undo/redo buttons are hidden
   (plotly/dash#727, open since 2019); worse, it copies the whole list on every change. A wall open for days would
   grow by ~1.5 MB an hour and slow down. Nothing reads that history but undo/redo (hidden here) and the revert
   after a component error, which needs only the last entry: keep the last few, every 10 s. */
(function () {
    if (window.iocHistoryCap) { return; }
    window.iocHistoryCap = true;
    const KEEP = 5;
    setInterval(function () {
        const state = window.store && window.store.getState && window.store.getState();
        const past = state && state.history && state.history.past;
        if (Array.isArray(past) && past.length > KEEP) {
            past.splice(0, past.length - KEEP);
        }
    }, 10000);
})();
