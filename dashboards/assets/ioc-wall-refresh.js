/* smartward-ioc: a wall screen runs for days. Its JS heap creeps up by 1.5–2 MB an hour (measured with
   bench/bench_wall_memory.py; DOM nodes and listeners stay flat), so the wall reloads itself once a night, between
   03:00 and 04:00 in its own time zone, after at least 6 hours open, or at once past 256 MB of heap. It reloads
   only when the server answers /healthz: a reload into a dead server would leave a browser error page that never
   comes back by itself, where the page as it is keeps retrying. */
(function () {
    if (window.iocWallRefresh) { return; }
    const OPEN_MS = 6 * 3600 * 1000, HEAP_BYTES = 256 * 1024 * 1024;
    const openedAt = Date.now();

    function localHour(now, tz) {
        return Number(new Intl.DateTimeFormat('en-GB', {hour: '2-digit', hour12: false, timeZone: tz})
            .format(now));
    }

    // pure, for the browser test: is a reload due?
    window.iocWallRefresh = function (now, opened, heapBytes, tz) {
        return heapBytes > HEAP_BYTES || (now - opened >= OPEN_MS && localHour(new Date(now), tz) === 3);
    };

    setInterval(function () {
        const clock = document.querySelector('.ioc-clock[data-tz]');   // the wall, not the desk pages
        if (!clock) { return; }
        const heap = (window.performance && performance.memory && performance.memory.usedJSHeapSize) || 0;
        if (!window.iocWallRefresh(Date.now(), openedAt, heap, clock.getAttribute('data-tz'))) { return; }
        fetch('/healthz', {cache: 'no-store'}).then(function (res) {
            if (res.ok) { window.location.reload(); }
        }).catch(function () { /* the server is away: keep the page, try again next time */ });
    }, 5 * 60 * 1000);
})();
