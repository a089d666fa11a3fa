/* pubload: a load generator for the ingester benchmarks, on libmosquitto (MQTT v5, QoS 1).
 *
 * P processes (fork), each owning D/P devices over one connection per 1,000 devices, publish contract-valid env
 * readings on ioc/v1/env/<prefix><device>/telemetry:
 *     {"ts":<publish time, epoch ms>,"seq":<per-device counter>,"pm25":..,"temperature":..,"relativeHumidity":..}
 * so (device, ts, seq) is unique and publish→committed latency is (commit time − ts). Each process keeps at most
 * WINDOW messages unacknowledged and, at the end, waits for every PUBACK: "published" means the broker has it.
 *
 * Rate: -r R messages/s in total (R/P per process, paced by the clock), or -r 0 for as fast as possible.
 * Output (stdout, one line): messages, seconds (first publish → last PUBACK, slowest process), msg/s.
 *
 * Build: cc -O2 -o pubload pubload.c -lmosquitto      (Debian: apt-get install libmosquitto-dev)
 * Usage: pubload -H 127.0.0.1 -p 1883 [-u user -w password] -n 300000 [-r 0] [-P 2] [-d 2000] [-x prefix]
 */
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEVICES_PER_CONNECTION 1000
#define WINDOW 2000 /* unacknowledged QoS 1 messages per process */

static long acked; /* PUBACKs received by this process (updated from the connections' threads) */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static long long epoch_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void on_publish(struct mosquitto *m, void *obj, int mid, int rc, const mosquitto_property *props) {
    (void)m, (void)obj, (void)mid, (void)rc, (void)props;
    __atomic_add_fetch(&acked, 1, __ATOMIC_RELAXED);
}

static void die(const char *what, int rc) {
    fprintf(stderr, "pubload: %s: %s\n", what, mosquitto_strerror(rc));
    exit(2);
}

static struct mosquitto *connect_one(const char *host, int port, const char *user, const char *pw, int proc, int i) {
    char id[64];
    snprintf(id, sizeof id, "pubload-%d-%d-%d", (int)getpid(), proc, i);
    struct mosquitto *m = mosquitto_new(id, true, NULL);
    if (!m) die("mosquitto_new", MOSQ_ERR_NOMEM);
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_publish_v5_callback_set(m, on_publish);
    if (user) mosquitto_username_pw_set(m, user, pw);
    int rc = mosquitto_connect_bind_v5(m, host, port, 30, NULL, NULL);
    if (rc != MOSQ_ERR_SUCCESS) die("connect", rc);
    if ((rc = mosquitto_loop_start(m)) != MOSQ_ERR_SUCCESS) die("loop_start", rc);
    return m;
}

/* One process: devices [first, first + devices), n messages, rate msg/s (0: unpaced). Returns its elapsed seconds. */
static double run(const char *host, int port, const char *user, const char *pw, const char *prefix, int proc,
                  long first, long devices, long n, double rate) {
    int conns = (int)((devices + DEVICES_PER_CONNECTION - 1) / DEVICES_PER_CONNECTION);
    struct mosquitto **m = calloc(conns, sizeof *m);
    for (int i = 0; i < conns; i++) m[i] = connect_one(host, port, user, pw, proc, i);
    usleep(200000); /* CONNACKs */
    char topic[128], payload[160];
    double start = now_s();
    for (long j = 0; j < n; j++) {
        while (j - __atomic_load_n(&acked, __ATOMIC_RELAXED) >= WINDOW) usleep(200);
        if (rate > 0) {
            double ahead = start + j / rate - now_s();
            if (ahead > 0.001) usleep((useconds_t)(ahead * 1e6));
        }
        long local = j % devices, dev = first + local;
        int len = snprintf(payload, sizeof payload,
                           "{\"ts\":%lld,\"seq\":%ld,\"pm25\":%ld,\"temperature\":29.5,\"relativeHumidity\":0.7}",
                           epoch_ms(), j / devices, 10 + j % 90);
        snprintf(topic, sizeof topic, "ioc/v1/env/%s%ld/telemetry", prefix, dev);
        int rc = mosquitto_publish_v5(m[local / DEVICES_PER_CONNECTION], NULL, topic, len, payload, 1, false, NULL);
        if (rc != MOSQ_ERR_SUCCESS) die("publish", rc);
    }
    while (__atomic_load_n(&acked, __ATOMIC_RELAXED) < n) usleep(500);
    double elapsed = now_s() - start;
    for (int i = 0; i < conns; i++) {
        mosquitto_disconnect(m[i]);
        mosquitto_loop_stop(m[i], false);
        mosquitto_destroy(m[i]);
    }
    free(m);
    return elapsed;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *user = NULL, *pw = NULL, *prefix = "load-";
    int port = 1883, procs = 2, opt;
    long n = 100000, devices = 2000;
    double rate = 0;
    while ((opt = getopt(argc, argv, "H:p:u:w:n:r:P:d:x:")) != -1) {
        switch (opt) {
        case 'H': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'u': user = optarg; break;
        case 'w': pw = optarg; break;
        case 'n': n = atol(optarg); break;
        case 'r': rate = atof(optarg); break;
        case 'P': procs = atoi(optarg); break;
        case 'd': devices = atol(optarg); break;
        case 'x': prefix = optarg; break;
        default:
            fprintf(stderr, "usage: %s -H host -p port [-u user -w pw] -n msgs [-r msg/s, 0 = max] [-P procs] "
                            "[-d devices] [-x device-prefix]\n", argv[0]);
            return 2;
        }
    }
    if (procs < 1 || devices < procs || n < procs) {
        fprintf(stderr, "pubload: need at least one device and one message per process\n");
        return 2;
    }
    mosquitto_lib_init();
    double *elapsed = mmap(NULL, procs * sizeof(double), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    for (int p = 0; p < procs; p++) {
        if (fork() == 0) {
            long share = devices / procs, mine = n / procs + (p < n % procs);
            elapsed[p] = run(host, port, user, pw, prefix, p, p * share, share, mine, rate / procs);
            _exit(0);
        }
    }
    int failed = 0, status;
    while (wait(&status) > 0) failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    double slowest = 0;
    for (int p = 0; p < procs; p++) slowest = elapsed[p] > slowest ? elapsed[p] : slowest;
    printf("%ld %.3f %.0f\n", n, slowest, slowest > 0 ? n / slowest : 0.0);
    mosquitto_lib_cleanup();
    return failed ? 1 : 0;
}
