/* calls.c - the call table: a chained hash of Call-IDs with an LRU list
 * for eviction.  A call keeps its few most recent transactions. */
#include "calls.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define TX_PER_CALL 8

struct tx {
	long cseq;
	char method[12];
	size_t mlen; /* the method may hold any byte, NUL too */
	int canceled;
	int final; /* final status seen, 0 if none */
	int prov;  /* the last provisional status seen (100-199), 0 if none */
	long long prov_t; /* and its log time */
	int reported;
	uint64_t report_line;
	uint64_t report_tag; /* hash of the reported one's To tag; 0: none */
};

/* A Call-ID up to this long is kept in the call itself: one allocation
 * and one cache line fewer for each call looked up or added. */
#define ID_INLINE 64

struct call {
	struct call *hnext;
	struct call *prev, *next; /* LRU: head is the most recent */
	char *id;                 /* idin, or an allocation for a longer one */
	size_t idlen;
	uint64_t hash;
	char idin[ID_INLINE];
	struct tx tx[TX_PER_CALL];
	int ntx;
	int counted;
	int finished;   /* its INVITE failed, or a BYE was seen */
	long long last; /* log time of its last message, 0 if unknown */
};

#define MAX_WATCH 4096

struct calls {
	struct call **bucket;
	size_t nbucket, n, max;
	struct call *head, *tail;
	uint64_t ncalls;
	long long now;
	struct invite_watch *watch; /* a ring, oldest at whead */
	size_t whead, nwatch;
	/* INVITEs past Timer B that had a provisional response: they wait
	   for Timer C, from their last one */
	struct invite_watch *pwatch;
	size_t phead, npwatch;
};

/* Eight bytes a step (a Call-ID is 20 to 60 bytes, hashed for every
 * message), then mixed so that the low bits, which pick the bucket,
 * depend on all of them. */
static uint64_t hash(const char *p, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t h = n * k, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, p, n);
		h = (h ^ w) * k;
	}
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	return h ^ (h >> 32);
}

struct calls *calls_new(size_t max_calls)
{
	struct calls *c = xcalloc(1, sizeof(*c));

	c->max = max_calls ? max_calls : 1;
	c->nbucket = 1024;
	while (c->nbucket < max_calls)
		c->nbucket *= 2;
	c->bucket = xcalloc(c->nbucket, sizeof(*c->bucket));
	return c;
}

static void lru_unlink(struct calls *c, struct call *k)
{
	if (k->prev)
		k->prev->next = k->next;
	else
		c->head = k->next;
	if (k->next)
		k->next->prev = k->prev;
	else
		c->tail = k->prev;
	k->prev = k->next = NULL;
}

static void lru_push(struct calls *c, struct call *k)
{
	k->next = c->head;
	k->prev = NULL;
	if (c->head)
		c->head->prev = k;
	c->head = k;
	if (c->tail == NULL)
		c->tail = k;
}

static void evict(struct calls *c, struct call *k)
{
	struct call **pp = &c->bucket[k->hash & (c->nbucket - 1)];

	while (*pp != k)
		pp = &(*pp)->hnext;
	*pp = k->hnext;
	lru_unlink(c, k);
	if (k->id != k->idin)
		free(k->id);
	free(k);
	c->n--;
}

static void watch_free(struct invite_watch *w)
{
	free(w->call_id);
	free(w->file);
}

void calls_free(struct calls *c)
{
	if (c == NULL)
		return;
	while (c->nwatch > 0) {
		watch_free(&c->watch[c->whead]);
		c->whead = (c->whead + 1) % MAX_WATCH;
		c->nwatch--;
	}
	free(c->watch);
	while (c->npwatch > 0) {
		watch_free(&c->pwatch[c->phead]);
		c->phead = (c->phead + 1) % MAX_WATCH;
		c->npwatch--;
	}
	free(c->pwatch);
	while (c->head)
		evict(c, c->head);
	free(c->bucket);
	free(c);
}

/* The To header's tag in M, hashed (never 0); 0 without one.  The tag is
 * a header parameter: after the URI's '>', or anywhere in a bare URI. */
static uint64_t to_tag(const struct sip_msg *m)
{
	const struct sip_hdr *to = sip_header_id(m, SIP_HID_TO, 0);
	const char *p, *e, *gt;

	if (to == NULL)
		return 0;
	p = to->val;
	e = p + to->vlen;
	gt = memchr(p, '>', to->vlen);
	if (gt)
		p = gt + 1;
	while ((p = memchr(p, ';', (size_t)(e - p))) != NULL) {
		const char *v;

		p++;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (e - p < 3 || (p[0] | 0x20) != 't' || (p[1] | 0x20) != 'a' ||
		    (p[2] | 0x20) != 'g')
			continue;
		p += 3;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p == e || *p != '=')
			continue;
		p++;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		for (v = p;
		     p < e && *p != ';' && *p != ' ' && *p != '\t' && *p != ',';
		     p++)
			;
		return p > v ? hash(v, (size_t)(p - v)) | 1 : 0;
	}
	return 0;
}

static struct call *find_call(struct calls *c, const char *id, size_t n)
{
	uint64_t h = hash(id, n);
	struct call *k;

	for (k = c->bucket[h & (c->nbucket - 1)]; k; k = k->hnext)
		if (k->hash == h && k->idlen == n && memcmp(k->id, id, n) == 0)
			return k;
	return NULL;
}

static struct call *lookup(struct calls *c, const char *id, size_t n)
{
	uint64_t h = hash(id, n);
	struct call *k;

	for (k = c->bucket[h & (c->nbucket - 1)]; k; k = k->hnext)
		if (k->hash == h && k->idlen == n &&
		    memcmp(k->id, id, n) == 0) {
			lru_unlink(c, k);
			lru_push(c, k);
			return k;
		}
	if (c->n >= c->max)
		evict(c, c->tail);
	k = xcalloc(1, sizeof(*k));
	if (n < ID_INLINE) {
		memcpy(k->idin, id, n);
		k->idin[n] = '\0';
		k->id = k->idin;
	} else {
		k->id = xmemdup(id, n);
	}
	k->idlen = n;
	k->hash = h;
	k->hnext = c->bucket[h & (c->nbucket - 1)];
	c->bucket[h & (c->nbucket - 1)] = k;
	lru_push(c, k);
	c->n++;
	return k;
}

static struct tx *find_tx(struct call *k, long cseq, const char *meth,
                          size_t mlen, int create)
{
	int i;

	if (mlen >= sizeof(k->tx[0].method))
		mlen = sizeof(k->tx[0].method) - 1;
	for (i = 0; i < k->ntx; i++)
		if (k->tx[i].cseq == cseq && k->tx[i].mlen == mlen &&
		    memcmp(k->tx[i].method, meth, mlen) == 0)
			return &k->tx[i];
	if (!create)
		return NULL;
	if (k->ntx == TX_PER_CALL) { /* forget the oldest transaction */
		memmove(&k->tx[0], &k->tx[1],
		        sizeof(k->tx[0]) * (TX_PER_CALL - 1));
		k->ntx--;
	}
	memset(&k->tx[k->ntx], 0, sizeof(k->tx[0]));
	k->tx[k->ntx].cseq = cseq;
	memcpy(k->tx[k->ntx].method, meth, mlen);
	k->tx[k->ntx].method[mlen] = '\0';
	k->tx[k->ntx].mlen = mlen;
	return &k->tx[k->ntx++];
}

/* A provisional response to a transaction seen: it is proceeding. */
static void proceeding(struct calls *c, struct call *k, long cseq,
                       const char *meth, size_t mlen, int status)
{
	struct tx *t = find_tx(k, cseq, meth, mlen, 0);

	if (t && t->final == 0) {
		t->prov = status;
		t->prov_t = c->now;
	}
}

void calls_provisional(struct calls *c, const char *id, size_t idlen, long cseq,
                       const char *meth, size_t mlen, int status)
{
	struct call *k = find_call(c, id, idlen);

	if (k)
		proceeding(c, k, cseq, meth, mlen, status);
}

enum verdict calls_message(struct calls *c, const struct sip_msg *m,
                           uint64_t line, uint64_t *first_line)
{
	const struct sip_hdr *id = sip_header_id(m, SIP_HID_CALL_ID, 0);
	const char *meth;
	size_t mlen;
	long cseq;
	struct call *k;
	struct tx *t;
	uint64_t tag;

	if (id == NULL || id->vlen == 0 || sip_cseq(m, &cseq, &meth, &mlen) < 0)
		return m->is_response && m->status >= 400 && m->status != 401 &&
		               m->status != 407
		           ? V_FAILED
		           : V_NONE;
	k = lookup(c, id->val, id->vlen);
	if (c->now)
		k->last = c->now;
	/* an INVITE makes a call, and so does a final response to one whose
	   request is not in the log (a capture of one direction, a log that
	   starts late) */
	if (!k->counted && (!m->is_response || m->status >= 200) && mlen == 6 &&
	    memcmp(meth, "INVITE", 6) == 0) {
		k->counted = 1;
		c->ncalls++;
	}
	if (!m->is_response) {
		if (mlen == 3 && memcmp(meth, "BYE", 3) == 0)
			k->finished = 1;
		if (m->method_len == 6 && memcmp(m->method, "CANCEL", 6) == 0) {
			/* CANCEL shares the INVITE's CSeq number (RFC 3261
			   section 9.1) */
			t = find_tx(k, cseq, "INVITE", 6, 1);
			t->canceled = 1;
		}
		find_tx(k, cseq, meth, mlen, 1);
		return V_NONE;
	}
	if (m->status < 200) {
		proceeding(c, k, cseq, meth, mlen, m->status);
		return V_NONE;
	}
	t = find_tx(k, cseq, meth, mlen, 1);
	/* the same final response again: retransmitted, or relayed by a
	   proxy (the same status from the same UAS, whose To tag is the
	   same); another one is news (a proxy that failed over to another
	   gateway, or forked: another status, or another To tag) */
	tag = m->status >= 300 ? to_tag(m) : 0;
	if (t->reported && t->final == m->status &&
	    (tag == t->report_tag || tag == 0 || t->report_tag == 0)) {
		*first_line = t->report_line;
		return V_REPEAT;
	}
	t->final = m->status;
	if (m->status >= 300 && strcmp(t->method, "INVITE") == 0)
		k->finished = 1;
	if (m->status < 400 || m->status == 401 || m->status == 407)
		return V_NONE;
	t->reported = 1;
	t->report_line = line;
	t->report_tag = tag;
	if (m->status == 487 && t->canceled)
		return V_CANCELED;
	return V_FAILED;
}

int calls_first_report(struct calls *c, const struct sip_msg *m)
{
	const struct sip_hdr *id = sip_header_id(m, SIP_HID_CALL_ID, 0);
	const char *meth;
	size_t mlen;
	long cseq;
	struct call *k;
	struct tx *t;

	if (id == NULL || sip_cseq(m, &cseq, &meth, &mlen) < 0)
		return 1;
	k = lookup(c, id->val, id->vlen);
	t = find_tx(k, cseq, meth, mlen, 1);
	if (t->reported)
		return 0;
	t->reported = 1;
	return 1;
}

void calls_set_now(struct calls *c, long long now)
{
	c->now = now;
#if defined(__GNUC__)
	/* calls_expire reads the least recently active call after this
	   message is handled: an old one, mostly out of the cache */
	if (c->tail)
		__builtin_prefetch(c->tail);
#endif
}

void calls_watch(struct calls *c, const struct invite_watch *w)
{
	struct invite_watch *n;

	if (c->watch == NULL)
		c->watch = xcalloc(MAX_WATCH, sizeof(*c->watch));
	if (c->nwatch == MAX_WATCH) { /* the oldest gives way */
		watch_free(&c->watch[c->whead]);
		c->whead = (c->whead + 1) % MAX_WATCH;
		c->nwatch--;
	}
	n = &c->watch[(c->whead + c->nwatch) % MAX_WATCH];
	*n = *w;
	n->call_id = xstrdup(w->call_id);
	n->file = xstrdup(w->file ? w->file : "");
	c->nwatch++;
}

/* The INVITE transaction W watches, or NULL when its call has left. */
static struct tx *watched(struct calls *c, const struct invite_watch *w)
{
	struct call *k = find_call(c, w->call_id, strlen(w->call_id));
	int i;

	for (i = 0; k && i < k->ntx; i++)
		if (k->tx[i].cseq == w->cseq &&
		    strcmp(k->tx[i].method, "INVITE") == 0)
			return &k->tx[i];
	return NULL;
}

static void ring_pop(struct invite_watch *ring, size_t *head, size_t *n,
                     int keep)
{
	if (!keep)
		watch_free(&ring[*head]);
	*head = (*head + 1) % MAX_WATCH;
	(*n)--;
}

void calls_expire(struct calls *c, long long now, long long horizon,
                  timeout_fn fn, void *ctx)
{
	if (now <= 0)
		return;
	while (c->nwatch > 0 && c->watch[c->whead].t + horizon < now) {
		struct invite_watch *w = &c->watch[c->whead];
		struct tx *t = watched(c, w);
		int moved = 0;

		if (t && t->final == 0 && t->prov) {
			/* proceeding: no Timer B (RFC 3261 17.1.1.2) */
			if (c->pwatch == NULL)
				c->pwatch =
				    xcalloc(MAX_WATCH, sizeof(*c->pwatch));
			if (c->npwatch == MAX_WATCH)
				ring_pop(c->pwatch, &c->phead, &c->npwatch, 0);
			c->pwatch[(c->phead + c->npwatch) % MAX_WATCH] = *w;
			c->npwatch++;
			moved = 1;
		} else if (t && t->final == 0) {
			t->final = -1; /* reported */
			fn(ctx, w);
		}
		ring_pop(c->watch, &c->whead, &c->nwatch, moved);
	}
	/* Their order is that of Timer B, not quite of their last
	   provisional response: one may wait behind another that rang
	   longer, and be reported a little later than it could. */
	while (c->npwatch > 0) {
		struct invite_watch *w = &c->pwatch[c->phead];
		struct tx *t = watched(c, w);

		if (t && t->final == 0) {
			if ((t->prov_t ? t->prov_t : w->t) + TIMER_C >= now)
				break;
			t->final = -1;
			w->provisional = t->prov;
			fn(ctx, w);
		}
		ring_pop(c->pwatch, &c->phead, &c->npwatch, 0);
	}
	/* the least recently active calls are at the tail */
	while (c->tail && c->tail->last &&
	       ((c->tail->finished && c->tail->last + horizon < now) ||
	        c->tail->last + 3600LL * 1000000 < now))
		evict(c, c->tail);
}

uint64_t calls_count(const struct calls *c)
{
	return c->ncalls;
}
size_t calls_live(const struct calls *c)
{
	return c->n;
}

size_t calls_longest_chain(const struct calls *c)
{
	size_t i, most = 0;

	for (i = 0; i < c->nbucket; i++) {
		size_t n = 0;
		const struct call *k;

		for (k = c->bucket[i]; k; k = k->hnext)
			n++;
		if (n > most)
			most = n;
	}
	return most;
}
