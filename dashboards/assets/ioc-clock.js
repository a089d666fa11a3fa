/* smartward-ioc: the wall's clock, in the display zone and language its element names (data-tz, data-lang). Plain
   DOM, once a second: a dcc.Interval would put a prop change in Dash's store every second, and Dash keeps each one
   in its undo history for as long as the page is open (see ioc-history.js). */
(function () {
    if (window.iocClock) { return; }
    window.iocClock = true;
    const formats = {};   // one pair of Intl formatters per language and zone, made once
    function formatters(loc, tz) {
        const key = loc + '|' + tz;
        if (!formats[key]) {
            formats[key] = [
                new Intl.DateTimeFormat(loc, {timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit',
                                              hour12: false}),
                new Intl.DateTimeFormat(loc, {timeZone: tz, weekday: 'long', day: '2-digit', month: '2-digit',
                                              year: 'numeric'})];
        }
        return formats[key];
    }
    function tick() {
        const now = new Date();
        document.querySelectorAll('.ioc-clock[data-tz]').forEach(function (clock) {
            const f = formatters(clock.getAttribute('data-lang') || 'vi-VN', clock.getAttribute('data-tz'));
            const time = clock.querySelector('.ioc-clock-time'), date = clock.querySelector('.ioc-clock-date');
            const shownTime = f[0].format(now), shownDate = f[1].format(now);
            if (time && time.textContent !== shownTime) { time.textContent = shownTime; }
            if (date && date.textContent !== shownDate) { date.textContent = shownDate; }
        });
    }
    setInterval(tick, 1000);
    document.addEventListener('DOMContentLoaded', tick);
})();
