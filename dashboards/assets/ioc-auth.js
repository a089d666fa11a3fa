/* smartward-ioc: when a callback answers 401 (the session ended, a kiosk token was revoked), reload the page once so
   the server can send the browser to the sign-in page (or show the kiosk message) instead of a silently frozen
   screen. At most one reload per 30 s, so a server that keeps refusing cannot make the page loop. */
(function () {
    if (!window.fetch || window.iocAuthWrapped) { return; }
    window.iocAuthWrapped = true;
    const original = window.fetch.bind(window);
    window.fetch = function (input, init) {
        return original(input, init).then(function (res) {
            const url = typeof input === 'string' ? input : (input && input.url) || '';
            if (res.status === 401 && url.indexOf('_dash-update-component') !== -1) {
                const last = Number(window.sessionStorage.getItem('iocAuthReload') || 0);
                if (Date.now() - last > 30000) {
                    window.sessionStorage.setItem('iocAuthReload', String(Date.now()));
                    window.location.reload();
                }
            }
            return res;
        });
    };
})();
