/* smartward-ioc: the wall's clock, in the display zone and language its element names (data-tz, data-lang). Plain
   DOM, once a second: a dcc.Interval would put a prop change in Dash's store every second, and Dash keeps each one
   in its undo history for as long as the page is open (see ioc-history.js). */
(function () {
    if (window.iocClock) { return; }
    window.iocClock = true;
    function tick() {
        const now = new Date();
        document.querySelectorAll('.ioc-clock[data-tz]').forEach(function (clock) {
            const tz = clock.getAttribute('data-tz'), loc = clock.getAttribute('data-lang') || 'vi-VN';
            const time = clock.querySelector('.ioc-clock-time'), date = clock.querySelector('.ioc-clock-date');
            if (time) { time.textContent = now.toLocaleTimeString(loc, {timeZone: tz, hour12: false}); }
            if (date) {
                date.textContent = now.toLocaleDateString(loc, {timeZone: tz, weekday: 'long', day: '2-digit',
                                                                 month: '2-digit', year: 'numeric'});
            }
        });
    }
    setInterval(tick, 1000);
    document.addEventListener('DOMContentLoaded', tick);
})();
