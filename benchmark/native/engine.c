/* The engine's own lower bound: what the session layer (OpenSSL through the
 * session API) costs per operation, with a client and a server session
 * driven against each other in one thread, in memory: no sockets, no event
 * loop, no JavaScript. Each call's CPU time is charged to the side it
 * belongs to. See benchmark/README.md, "Engine bound".
 *
 *   engine [--seconds S | --count N] [--json] [--filter SUBSTRING]
 *          [--cipher-list LIST] [--ciphersuites LIST] */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/session.h"
#include "core/ticket_keys.h"
#include "harness.h"
#include "engine.h"

#define MAX_ROUNDS  16         /* flights each way in one handshake */
#define MAX_COUNT   100000000L /* operations in one measurement */
#define MAX_SECONDS 3600.0
#define WARMUP      10 /* untimed operations before each measurement */
#define BULK_WRITE  (64 * 1024)
#define CALIBRATION 1001 /* clock readings taken to time one reading */

enum { SERVER = 0, CLIENT = 1 };

typedef enum { FULL, RESUMED, BULK } run_kind_t;

typedef struct variant {
  const char *name;
  run_kind_t kind;
  key_kind_t key;
  int version;
} variant_t;

/* Named as benchmark/run.js names its variants. */
static const variant_t variants[] = {
    {"handshake/rsa2048-tls1.3", FULL, KEY_RSA, TLS1_3_VERSION},
    {"handshake/ecdsa-p256-tls1.3", FULL, KEY_ECDSA, TLS1_3_VERSION},
    {"handshake/rsa2048-tls1.2", FULL, KEY_RSA, TLS1_2_VERSION},
    {"handshake/ecdsa-p256-tls1.2", FULL, KEY_ECDSA, TLS1_2_VERSION},
    {"resume/tls1.3", RESUMED, KEY_RSA, TLS1_3_VERSION},
    {"resume/tls1.2", RESUMED, KEY_RSA, TLS1_2_VERSION},
    {"bulk/c2s-tls1.3", BULK, KEY_RSA, TLS1_3_VERSION},
    {"bulk/c2s-tls1.2", BULK, KEY_RSA, TLS1_2_VERSION},
};
#define VARIANTS (sizeof(variants) / sizeof(variants[0]))

/* CPU time charged to each side. */
typedef struct meter {
  double ns[2];
  double last; /* the clock at the last reading */
} meter_t;

typedef struct bench {
  const variant_t *variant;
  SSL_CTX *server_ctx; /* one per side, shared by every connection */
  SSL_CTX *client_ctx;
  SSL_SESSION *saved; /* RESUMED: the session the client offers */
  meter_t meter;
  long count;
  double wall_s;
  char protocol[16];
  char cipher[64];
  char group[32];
} bench_t;

static double reading_ns; /* what one clock reading costs */

/* ---- errors ------------------------------------------------------------ */

void fail(const char *what, const char *detail) {
  fprintf(stderr, "engine: %s%s%s\n", what, detail != NULL ? ": " : "",
          detail != NULL ? detail : "");
  ERR_print_errors_fp(stderr);
  exit(1);
}

static const char *status_name(session_status_t st) {
  static const char *names[] = {"ok", "want input", "paused", "closed",
                                "error"};

  return (unsigned)st < 5 ? names[st] : "unknown";
}

static void check_step(const bench_t *b, const char *side,
                       session_status_t st) {
  char detail[128];

  if (st == SESSION_OK || st == SESSION_WANT_INPUT)
    return;
  snprintf(detail, sizeof(detail), "the %s's handshake failed (%s)", side,
           status_name(st));
  fail(b->variant->name, detail);
}

/* ---- clocks ------------------------------------------------------------ */

static double read_clock(clockid_t id) {
  struct timespec t;

  if (clock_gettime(id, &t) != 0)
    fail("clock_gettime failed", NULL);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double cpu_ns(void) {
  return read_clock(CLOCK_THREAD_CPUTIME_ID);
}

static double wall_ns(void) {
  return read_clock(CLOCK_MONOTONIC);
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* The median time between two back-to-back readings: what each charged
 * interval holds beyond the calls it times, subtracted from each. */
static double calibrate_clock(void) {
  static double samples[CALIBRATION];

  for (int i = 0; i < CALIBRATION; i++) {
    double first = cpu_ns();
    samples[i] = cpu_ns() - first;
  }
  qsort(samples, CALIBRATION, sizeof(samples[0]), by_value);
  return samples[CALIBRATION / 2];
}

static void meter_start(meter_t *m) {
  m->last = cpu_ns();
}

/* Charges the time since the last reading to `side`. */
static void meter_charge(meter_t *m, int side) {
  double now = cpu_ns();

  m->ns[side] += now - m->last - reading_ns;
  m->last = now;
}

/* ---- one connection ---------------------------------------------------- */

/* Moves what `from` queued into `to`'s input; the byte count. */
static size_t carry(const bench_t *b, session_t *from, session_t *to) {
  const char *data;
  size_t len = session_out_peek(from, &data);

  if (len == 0)
    return 0;
  if (session_feed(to, data, len) != 0)
    fail(b->variant->name, "session_feed failed");
  session_out_consume(from, len);
  return len;
}

static int queued(session_t *s) {
  const char *data;

  return session_out_peek(s, &data) > 0;
}

/* A new client session (offering `offer`, if any) and its client hello;
 * it verifies the server, as the addon's clients do. */
static void client_start(bench_t *b, pair_t *p, SSL_SESSION *offer) {
  if (session_init(&p->client, b->client_ctx, 0, NULL) != 0)
    fail(b->variant->name, "the client's session_init failed");
  if (!session_set_servername(&p->client, "localhost"))
    fail(b->variant->name, "session_set_servername failed");
  session_set_verify(&p->client, SESSION_VERIFY_PEER);
  if (offer != NULL && !session_set_session(&p->client, offer))
    fail(b->variant->name, "session_set_session failed");
  p->client_status = session_handshake(&p->client);
  check_step(b, "client", p->client_status);
}

static void server_step(bench_t *b, pair_t *p) {
  carry(b, &p->client, &p->server);
  p->server_status = session_handshake(&p->server);
  check_step(b, "server", p->server_status);
}

/* What a client receives after its handshake (TLS 1.3 tickets) is read:
 * no application data is expected. */
static void client_read(bench_t *b, pair_t *p) {
  char buf[64];
  long got = session_drain(&p->client, buf, sizeof(buf), &p->client_status);

  if (got != 0 || p->client_status != SESSION_WANT_INPUT)
    fail(b->variant->name, "the client's read after the handshake failed");
}

static void client_step(bench_t *b, pair_t *p) {
  size_t moved = carry(b, &p->server, &p->client);

  if (!session_handshake_done(&p->client)) {
    p->client_status = session_handshake(&p->client);
    check_step(b, "client", p->client_status);
  } else if (moved > 0) {
    client_read(b, p);
  }
}

static int settled(pair_t *p) {
  return session_handshake_done(&p->client) &&
         session_handshake_done(&p->server) && !queued(&p->client) &&
         !queued(&p->server);
}

/* One handshake, to the end of what the server sends after it. A transfer
 * is charged to the side that receives it. */
static void handshake(bench_t *b, pair_t *p, SSL_SESSION *offer) {
  meter_t *m = &b->meter;
  int round;

  meter_start(m);
  client_start(b, p, offer);
  meter_charge(m, CLIENT);
  if (session_init(&p->server, b->server_ctx, 1, NULL) != 0)
    fail(b->variant->name, "the server's session_init failed");
  for (round = 0; round < MAX_ROUNDS && !settled(p); round++) {
    server_step(b, p);
    meter_charge(m, SERVER);
    client_step(b, p);
    meter_charge(m, CLIENT);
  }
  if (!settled(p))
    fail(b->variant->name, "the handshake did not complete");
}

static void check_resumption(const bench_t *b, pair_t *p, int resumed) {
  if (SSL_session_reused(p->client.ssl) != resumed ||
      SSL_session_reused(p->server.ssl) != resumed)
    fail(b->variant->name, resumed ? "a handshake was not resumed"
                                   : "a full handshake was resumed");
}

static void check_connection(bench_t *b, pair_t *p, int resumed) {
  if (SSL_version(p->client.ssl) != b->variant->version ||
      SSL_version(p->server.ssl) != b->variant->version)
    fail(b->variant->name, "another protocol version was negotiated");
  if (session_verify_result(&p->client, 0) != X509_V_OK)
    fail(b->variant->name, "the client did not verify the server");
  check_resumption(b, p, resumed);
}

static void describe(bench_t *b, pair_t *p) {
  const char *group = session_group_name(&p->client);

  /* A resumed TLS 1.2 handshake exchanges no key. */
  if (SSL_session_reused(p->client.ssl) && b->variant->version < TLS1_3_VERSION)
    group = NULL;
  snprintf(b->protocol, sizeof(b->protocol), "%s",
           SSL_get_version(p->client.ssl));
  snprintf(b->cipher, sizeof(b->cipher), "%s",
           SSL_get_cipher_name(p->client.ssl));
  snprintf(b->group, sizeof(b->group), "%s", group ? group : "-");
}

static void close_pair(bench_t *b, pair_t *p) {
  meter_start(&b->meter);
  session_free(&p->client);
  meter_charge(&b->meter, CLIENT);
  session_free(&p->server);
  meter_charge(&b->meter, SERVER);
}

/* A full or resumed handshake, checked, and both sessions freed. */
static void connection(bench_t *b) {
  int resumed = b->saved != NULL;
  /* A copy, as a client hands over a serialized session: freeing a
   * connection without a shutdown makes its session unresumable. */
  SSL_SESSION *offer = resumed ? SSL_SESSION_dup(b->saved) : NULL;
  pair_t p;

  if (resumed && offer == NULL)
    fail(b->variant->name, "SSL_SESSION_dup failed");
  handshake(b, &p, offer);
  check_connection(b, &p, resumed);
  if (b->count == 0)
    describe(b, &p);
  close_pair(b, &p);
  SSL_SESSION_free(offer);
}

/* A first, full handshake; the session the client has after reading the
 * server's tickets is kept to be offered. */
static void save_session(bench_t *b) {
  SSL_SESSION *sess;
  pair_t p;

  handshake(b, &p, NULL);
  check_connection(b, &p, 0);
  sess = SSL_get1_session(p.client.ssl);
  if (sess == NULL || !SSL_SESSION_is_resumable(sess))
    fail(b->variant->name, "no resumable session after the handshake");
  b->saved = SSL_SESSION_dup(sess);
  SSL_SESSION_free(sess);
  if (b->saved == NULL)
    fail(b->variant->name, "SSL_SESSION_dup failed");
  close_pair(b, &p);
}

/* ---- measurements ------------------------------------------------------ */

static int more(const bench_t *b, const options_t *o, double deadline) {
  if (o->count > 0)
    return b->count < o->count;
  return b->count < MAX_COUNT && wall_ns() < deadline;
}

static void reset(bench_t *b) {
  memset(&b->meter, 0, sizeof(b->meter));
  b->count = 0;
}

static void run_handshakes(bench_t *b, const options_t *o) {
  double start, deadline;

  if (b->variant->kind == RESUMED)
    save_session(b);
  for (int i = 0; i < WARMUP; i++)
    connection(b);
  reset(b);
  start = wall_ns();
  deadline = start + o->seconds * 1e9;
  while (more(b, o, deadline)) {
    connection(b);
    b->count++;
  }
  b->wall_s = (wall_ns() - start) / 1e9;
}

/* One 64 KiB write from the client, carried to the server and read there;
 * the write is charged to the client, the transfer and read to the server. */
static void bulk_write(bench_t *b, pair_t *p, const char *out, char *in) {
  session_status_t st;
  long got;

  meter_start(&b->meter);
  if (session_write(&p->client, out, BULK_WRITE) != SESSION_OK)
    fail(b->variant->name, "session_write failed");
  meter_charge(&b->meter, CLIENT);
  carry(b, &p->client, &p->server);
  got = session_drain(&p->server, in, BULK_WRITE + 1, &st);
  meter_charge(&b->meter, SERVER);
  if (got != BULK_WRITE || st != SESSION_WANT_INPUT)
    fail(b->variant->name, "the server did not read the whole write");
}

static void fill(char *buf, size_t len) {
  for (size_t i = 0; i < len; i++)
    buf[i] = (char)(i * 31 + 7);
}

static void run_bulk(bench_t *b, const options_t *o) {
  char *out = malloc(BULK_WRITE), *in = malloc(BULK_WRITE + 1);
  double start, deadline;
  pair_t p;

  if (out == NULL || in == NULL)
    fail("out of memory", NULL);
  fill(out, BULK_WRITE);
  handshake(b, &p, NULL);
  check_connection(b, &p, 0);
  describe(b, &p);
  for (int i = 0; i < WARMUP; i++)
    bulk_write(b, &p, out, in);
  if (memcmp(in, out, BULK_WRITE) != 0)
    fail(b->variant->name, "the server read other bytes than were sent");
  reset(b);
  start = wall_ns();
  deadline = start + o->seconds * 1e9;
  while (more(b, o, deadline)) {
    bulk_write(b, &p, out, in);
    b->count++;
  }
  b->wall_s = (wall_ns() - start) / 1e9;
  close_pair(b, &p);
  free(out);
  free(in);
}

/* ---- output ------------------------------------------------------------ */

static void print_header(const options_t *o) {
  if (o->count > 0)
    printf("engine: %s; %ld operations per measurement\n",
           OpenSSL_version(OPENSSL_VERSION), o->count);
  else
    printf("engine: %s; %g s per measurement\n",
           OpenSSL_version(OPENSSL_VERSION), o->seconds);
  printf("CPU time per side (CLOCK_THREAD_CPUTIME_ID, %.0f ns per reading "
         "subtracted); one thread: both sides' sum\n",
         reading_ns);
  printf("bulk: the client writes 64 KiB, the server reads it; "
         "s/GB = ns/byte, 1 GB = 1e9 bytes\n");
  printf("%-28s %8s %14s %14s %12s  %s\n", "name", "count", "server", "client",
         "one thread", "protocol cipher group");
}

static void print_line(const bench_t *b) {
  double server = b->meter.ns[SERVER], client = b->meter.ns[CLIENT];
  double n = (double)b->count, bytes = n * BULK_WRITE;

  if (b->variant->kind == BULK)
    printf("%-28s %8ld %9.3f s/GB %9.3f s/GB %7.0f MB/s", b->variant->name,
           b->count, server / bytes, client / bytes,
           bytes / 1e6 / ((server + client) / 1e9));
  else
    printf("%-28s %8ld %11.1f µs %11.1f µs %10.0f /s", b->variant->name,
           b->count, server / n / 1e3, client / n / 1e3,
           n / ((server + client) / 1e9));
  printf("  %s %s %s\n", b->protocol, b->cipher, b->group);
  fflush(stdout);
}

/* The strings printed are OpenSSL's names: no quotes or backslashes. */
static void print_json(const bench_t *results, int n, const options_t *o) {
  printf("{\"openssl\":\"%s\",\"clock\":\"CLOCK_THREAD_CPUTIME_ID\","
         "\"clock_reading_ns\":%.1f,\"seconds\":%g,\"count\":%ld,"
         "\"results\":[",
         OpenSSL_version(OPENSSL_VERSION), reading_ns,
         o->count > 0 ? 0 : o->seconds, o->count);
  for (int i = 0; i < n; i++) {
    const bench_t *b = &results[i];
    double server = b->meter.ns[SERVER], client = b->meter.ns[CLIENT];
    double count = (double)b->count, bytes = count * BULK_WRITE;
    printf("%s{\"name\":\"%s\",\"count\":%ld,\"wall_s\":%.3f,", i ? "," : "",
           b->variant->name, b->count, b->wall_s);
    if (b->variant->kind == BULK)
      printf("\"bytes\":%.0f,\"server_s_per_gb\":%.4f,\"client_s_per_gb\":%.4f,"
             "\"mb_per_s\":%.1f,",
             bytes, server / bytes, client / bytes,
             bytes / 1e6 / ((server + client) / 1e9));
    else
      printf("\"server_us\":%.2f,\"client_us\":%.2f,\"per_s\":%.1f,",
             server / count / 1e3, client / count / 1e3,
             count / ((server + client) / 1e9));
    printf("\"protocol\":\"%s\",\"cipher\":\"%s\",\"group\":\"%s\"}",
           b->protocol, b->cipher, b->group);
  }
  printf("]}\n");
}

/* ---- command line ------------------------------------------------------ */

static void usage(void) {
  fprintf(stderr, "usage: engine [--seconds S | --count N] [--json] "
                  "[--filter SUBSTRING] [--cipher-list LIST] "
                  "[--ciphersuites LIST]\n");
  exit(2);
}

static const char *value_of(int argc, char **argv, int *i) {
  if (*i + 1 >= argc)
    usage();
  return argv[++*i];
}

static void parse_number(const char *text, double min, double max,
                         double *out) {
  char *end;
  double v = strtod(text, &end);

  if (end == text || *end != '\0' || !(v >= min && v <= max))
    usage();
  *out = v;
}

static void parse_args(int argc, char **argv, options_t *o) {
  double count = 0;

  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--seconds") == 0)
      parse_number(value_of(argc, argv, &i), 0.001, MAX_SECONDS, &o->seconds);
    else if (strcmp(arg, "--count") == 0)
      parse_number(value_of(argc, argv, &i), 1, (double)MAX_COUNT, &count);
    else if (strcmp(arg, "--json") == 0)
      o->json = 1;
    else if (strcmp(arg, "--filter") == 0)
      o->filter = value_of(argc, argv, &i);
    else if (strcmp(arg, "--cipher-list") == 0)
      o->cipher_list = value_of(argc, argv, &i);
    else if (strcmp(arg, "--ciphersuites") == 0)
      o->ciphersuites = value_of(argc, argv, &i);
    else
      usage();
  }
  o->count = (long)count;
}

static void measure(bench_t *b, const variant_t *v, const options_t *o) {
  const credentials_t *id = credentials_of(v->key);

  memset(b, 0, sizeof(*b));
  b->variant = v;
  b->server_ctx = server_ctx(id, v->version, o);
  b->client_ctx = client_ctx(id, v->version, o);
  if (v->kind == BULK)
    run_bulk(b, o);
  else
    run_handshakes(b, o);
  SSL_SESSION_free(b->saved);
  b->saved = NULL;
  SSL_CTX_free(b->server_ctx);
  SSL_CTX_free(b->client_ctx);
}

static int selected(const variant_t *v, const options_t *o) {
  return o->filter == NULL || strstr(v->name, o->filter) != NULL;
}

static int any_selected(const options_t *o) {
  for (size_t i = 0; i < VARIANTS; i++)
    if (selected(&variants[i], o))
      return 1;
  return 0;
}

int main(int argc, char **argv) {
  options_t o = {2.0, 0, 0, NULL, NULL, NULL};
  bench_t results[VARIANTS];
  int n = 0;

  parse_args(argc, argv, &o);
  if (!any_selected(&o))
    fail("no measurement matches --filter", o.filter);
  reading_ns = calibrate_clock();
  if (!o.json)
    print_header(&o);
  for (size_t i = 0; i < VARIANTS; i++) {
    if (!selected(&variants[i], &o))
      continue;
    measure(&results[n], &variants[i], &o);
    if (!o.json)
      print_line(&results[n]);
    n++;
  }
  if (o.json)
    print_json(results, n, &o);
  return 0;
}
