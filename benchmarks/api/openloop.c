/* Open-loop HTTP/1.1 load generator for the API benchmark: the same request mix as load.py, in C, so the
 * generator takes little of the 2 cores it shares with the server and PostgreSQL.
 *
 * Request i is due at start + i / rate whatever the server does; it waits for a free keep-alive connection
 * if none is idle, and its latency counts from when it was due (no coordinated omission).
 * Prints one line per request: due_s send_lag_ms latency_ms kind status   (load.py --engine c reads them)
 *
 * Build: cc -O2 -o openloop openloop.c
 * Usage: openloop HOST PORT TOKEN RATE SECONDS CONNECTIONS SEED START_EPOCH_S
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define SITES 50
#define ASSETS_PER_SITE 5000
#define BUFFER (1 << 20)
#define TIMER UINT32_MAX

/* Request kinds, printed as their number; load.py's C_KINDS names them in this order. */
enum { GET_ASSET, GET_SYSTEM, LIST_BY_ZONE, LIST_ASSETS, LIST_SYSTEMS };

typedef struct {
  double due, sent, done;
  int kind, status;
  char target[160];
} Request;

typedef struct {
  int fd;
  long request; /* index into requests, -1 when idle */
  char *buf;
  size_t have;
} Connection;

static uint64_t rng_state;
static int *idle, idle_head, idle_count, idle_size; /* idle connections, first idle first used (FIFO) */

static void push_idle(int i) {
  idle[(idle_head + idle_count++) % idle_size] = i;
}

static int pop_idle(void) {
  int i = idle[idle_head];
  idle_head = (idle_head + 1) % idle_size;
  idle_count--;
  return i;
}

static uint64_t next_random(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ULL;
}

static double uniform(void) { return (double)(next_random() >> 11) / 9007199254740992.0; }
static int below(int n) { return (int)(uniform() * n); }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The mix of load.py's request_mix: 40 % get asset, 15 % get system, 20 % zone list, 15 % list, 10 % systems. */
static void draw(Request *r) {
  int site = below(SITES);
  double d = uniform();
  if (d < 0.40) {
    r->kind = GET_ASSET;
    snprintf(r->target, sizeof r->target, "/api/assets/site-%02d-asset-%05d", site, below(ASSETS_PER_SITE));
  } else if (d < 0.55) {
    r->kind = GET_SYSTEM;
    snprintf(r->target, sizeof r->target, "/api/systems/site-%02d-sys-%03d", site, below(20));
  } else if (d < 0.75) {
    r->kind = LIST_BY_ZONE;
    snprintf(r->target, sizeof r->target, "/api/assets?zone=site-%02d-%s&limit=50&offset=%d", site,
             below(2) ? "cell" : "operations", 50 * below(20));
  } else if (d < 0.90) {
    r->kind = LIST_ASSETS;
    snprintf(r->target, sizeof r->target, "/api/assets?limit=50&offset=%d", 50 * below(100));
  } else {
    r->kind = LIST_SYSTEMS;
    snprintf(r->target, sizeof r->target, "/api/systems?location=site-%02d&limit=50", site);
  }
}

static int open_connection(const char *host, int port) {
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    fprintf(stderr, "openloop: %s is not an IPv4 address\n", host);
    exit(2);
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    perror("openloop: connect");
    exit(2);
  }
  return fd;
}

static void send_request(Connection *c, Request *r, const char *host, const char *token) {
  char message[512];
  int n = snprintf(message, sizeof message, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n",
                   r->target, host, token);
  r->sent = now();
  for (int off = 0; off < n;) {
    ssize_t w = write(c->fd, message + off, n - off);
    if (w < 0 && errno != EINTR) {
      perror("openloop: write");
      exit(2);
    }
    if (w > 0) off += (int)w;
  }
  c->have = 0;
}

/* Whether the connection's buffer holds a whole answer; sets its status. */
static int answer_complete(Connection *c, int *status) {
  char *end = memmem(c->buf, c->have, "\r\n\r\n", 4);
  if (end == NULL) return 0;
  size_t head = (size_t)(end - c->buf) + 4;
  *status = atoi(c->buf + 9); /* "HTTP/1.1 200" */
  long length = 0;
  for (char *line = c->buf; line < end;) {
    if (strncasecmp(line, "content-length:", 15) == 0) length = atol(line + 15);
    char *newline = memchr(line, '\n', (size_t)(end - line));
    if (newline == NULL) break;
    line = newline + 1;
  }
  return c->have >= head + (size_t)length;
}

int main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: openloop HOST PORT TOKEN RATE SECONDS CONNECTIONS SEED START_EPOCH_S\n");
    return 2;
  }
  const char *host = argv[1], *token = argv[3];
  int port = atoi(argv[2]), connections = atoi(argv[6]);
  double rate = atof(argv[4]), seconds = atof(argv[5]), start = atof(argv[8]);
  rng_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)atoll(argv[7]);
  long total = (long)(rate * seconds);
  Request *requests = calloc((size_t)total, sizeof *requests);
  for (long i = 0; i < total; i++) {
    requests[i].due = start + i / rate;
    draw(&requests[i]);
  }
  int epoll = epoll_create1(0);
  int timer = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
  struct epoll_event timer_event = {.events = EPOLLIN, .data.u32 = TIMER};
  epoll_ctl(epoll, EPOLL_CTL_ADD, timer, &timer_event);
  Connection *conns = calloc((size_t)connections, sizeof *conns);
  idle = calloc((size_t)connections, sizeof *idle);
  idle_size = connections;
  for (int i = 0; i < connections; i++) {
    conns[i] = (Connection){.fd = open_connection(host, port), .request = -1, .buf = malloc(BUFFER)};
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(epoll, EPOLL_CTL_ADD, conns[i].fd, &ev);
    push_idle(i);
  }
  long next_due = 0, next_send = 0, finished = 0; /* due but not sent: next_send .. next_due-1 (FIFO) */
  struct epoll_event events[256];
  while (finished < total) {
    double t = now();
    while (next_due < total && requests[next_due].due <= t) next_due++;
    while (idle_count > 0 && next_send < next_due) {
      Connection *c = &conns[pop_idle()];
      c->request = next_send;
      send_request(c, &requests[next_send++], host, token);
    }
    if (next_due < total) { /* wake exactly when the next request is due */
      double due = requests[next_due].due;
      struct itimerspec at = {.it_value = {.tv_sec = (time_t)due, .tv_nsec = (long)((due - (time_t)due) * 1e9)}};
      timerfd_settime(timer, TFD_TIMER_ABSTIME, &at, NULL);
    }
    int n = epoll_wait(epoll, events, 256, -1);
    for (int e = 0; e < n; e++) {
      if (events[e].data.u32 == TIMER) {
        uint64_t expirations;
        if (read(timer, &expirations, sizeof expirations) < 0 && errno != EAGAIN) perror("openloop: timer");
        continue;
      }
      int index = (int)events[e].data.u32;
      Connection *c = &conns[index];
      ssize_t got = read(c->fd, c->buf + c->have, BUFFER - c->have);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) { /* the server closed it (keep-alive timeout, or a failure): count, reconnect */
        epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = open_connection(host, port);
        c->have = 0;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)index};
        epoll_ctl(epoll, EPOLL_CTL_ADD, c->fd, &ev);
        if (c->request >= 0) { /* an answer lost: an error, and the request is done */
          requests[c->request].done = now();
          requests[c->request].status = 0;
          c->request = -1;
          finished++;
          push_idle(index);
        }
        continue;
      }
      c->have += (size_t)got;
      int status;
      if (c->request >= 0 && answer_complete(c, &status)) {
        Request *r = &requests[c->request];
        r->done = now();
        r->status = status;
        c->request = -1;
        finished++;
        push_idle(index);
      }
    }
  }
  for (long i = 0; i < total; i++) {
    Request *r = &requests[i];
    printf("%.6f %.3f %.3f %d %d\n", r->due - start, (r->sent - r->due) * 1000.0, (r->done - r->due) * 1000.0,
           r->kind, r->status);
  }
  return 0;
}
