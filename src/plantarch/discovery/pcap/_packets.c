/* Optional compiled per-packet hot path of plantarch's passive discovery (issue #3).
 *
 * Each function gives the same result as its numpy / pure-Python twin (tests compare them on every
 * shared capture and on fuzzed input):
 *
 *   index_pcap(buffer, n, big_endian, scale) -> (offsets, caplen, wirelen, ts, stop)
 *       reader.index_pcap_records_python: from offset 0, while a 16-byte record header and its whole
 *       record fit in buffer[:n], record its data offset, lengths and timestamp, and advance.
 *   decode(data, offsets, caplen, linktype, words, flags) -> None
 *       decoder._decode: link layer, VLAN/QinQ, IPv4/IPv6 (+extension headers), TCP/UDP for every
 *       packet; fills `words` (DECODE_WORDS x n int64) and `flags` (3 x n uint8).
 *   aggregate(packets, columns, slots, size, samples, data, sample_limit, sample_bytes) -> (size, other)
 *       flows.FlowTable._aggregate_numpy: bidirectional flows in an open-addressing hash table kept
 *       in numpy columns across blocks, counters, first/last seen, handshake sides, MACs and the first
 *       payload samples of each flow (appended as (direction, bytes) to samples[flow]).
 *
 * The data buffer carries at least PAD zero bytes after the last packet, as the numpy path assumes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ walk */

/* index_pcap(buffer, n, big_endian, scale) -> (offsets, caplen, wirelen, ts: bytes, stop: int)
 * The pcap record walk plus each record's header fields: data offset (record + 16), captured and original
 * length as native int64 and the timestamp as float64 seconds (sec + frac * scale, as numpy computes). */
static PyObject *index_pcap(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer view;
    Py_ssize_t n;
    int big;
    double scale;
    if (!PyArg_ParseTuple(args, "y*nid", &view, &n, &big, &scale)) return NULL;
    if (n < 0 || n > view.len) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "n is outside the buffer");
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)view.buf;
    Py_ssize_t cap = (n / 16 + 1) * (Py_ssize_t)sizeof(int64_t);
    PyObject *o_off = PyBytes_FromStringAndSize(NULL, cap), *o_cap = PyBytes_FromStringAndSize(NULL, cap);
    PyObject *o_wire = PyBytes_FromStringAndSize(NULL, cap), *o_ts = PyBytes_FromStringAndSize(NULL, cap);
    if (o_off == NULL || o_cap == NULL || o_wire == NULL || o_ts == NULL) {
        Py_XDECREF(o_off);
        Py_XDECREF(o_cap);
        Py_XDECREF(o_wire);
        Py_XDECREF(o_ts);
        PyBuffer_Release(&view);
        return NULL;
    }
    int64_t *offs = (int64_t *)PyBytes_AS_STRING(o_off), *caps = (int64_t *)PyBytes_AS_STRING(o_cap);
    int64_t *wire = (int64_t *)PyBytes_AS_STRING(o_wire);
    double *ts = (double *)PyBytes_AS_STRING(o_ts);
    Py_ssize_t count = 0;
    uint64_t off = 0, un = (uint64_t)n;
    Py_BEGIN_ALLOW_THREADS
    while (off + 16 <= un) {
        const unsigned char *h = p + off;
        uint32_t f[4];
        for (int k = 0; k < 4; k++) {
            const unsigned char *q = h + 4 * k;
            f[k] = big ? ((uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3])
                       : ((uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0]);
        }
        uint64_t end = off + 16 + f[2];
        if (end > un) break;
        offs[count] = (int64_t)off + 16;
        caps[count] = f[2];
        wire[count] = f[3];
        ts[count] = (double)f[0] + (double)f[1] * scale;
        count++;
        off = end;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    Py_ssize_t used = count * (Py_ssize_t)sizeof(int64_t);
    if (_PyBytes_Resize(&o_off, used) < 0 || _PyBytes_Resize(&o_cap, used) < 0 ||
        _PyBytes_Resize(&o_wire, used) < 0 || _PyBytes_Resize(&o_ts, used) < 0) {
        Py_XDECREF(o_off);
        Py_XDECREF(o_cap);
        Py_XDECREF(o_wire);
        Py_XDECREF(o_ts);
        return NULL;
    }
    return Py_BuildValue("(NNNNK)", o_off, o_cap, o_wire, o_ts, (unsigned long long)off);
}

/* index_pcapng(buffer, n, off, big_endian, interfaces, max_block)
 *     -> (offsets, caplen, wirelen, ts_raw, iface: bytes, stop: int)
 * From `off`, the enhanced (6) and simple (3) packet blocks of one pcapng section, skipping other
 * block types, as reader.CaptureReader._pcapng_step does one block at a time. It stops, leaving the
 * block to that Python step, at a section header, an interface description, any invalid block (bad
 * length, undeclared interface, simple block before any interface) and a block cut by buffer[:n]. */
static PyObject *index_pcapng(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer view;
    Py_ssize_t n, start, n_if, max_block;
    int big;
    if (!PyArg_ParseTuple(args, "y*nninn", &view, &n, &start, &big, &n_if, &max_block)) return NULL;
    if (n < 0 || n > view.len || start < 0 || start > n) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "n or off is outside the buffer");
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)view.buf;
    Py_ssize_t cap = ((n - start) / 12 + 1) * (Py_ssize_t)sizeof(int64_t);
    PyObject *outs[5] = {NULL, NULL, NULL, NULL, NULL};
    for (int k = 0; k < 5; k++) {
        outs[k] = PyBytes_FromStringAndSize(NULL, cap);
        if (outs[k] == NULL) {
            for (int j = 0; j < k; j++) Py_DECREF(outs[j]);
            PyBuffer_Release(&view);
            return NULL;
        }
    }
    int64_t *offs = (int64_t *)PyBytes_AS_STRING(outs[0]), *caps = (int64_t *)PyBytes_AS_STRING(outs[1]);
    int64_t *wire = (int64_t *)PyBytes_AS_STRING(outs[2]), *iface = (int64_t *)PyBytes_AS_STRING(outs[4]);
    uint64_t *ts = (uint64_t *)PyBytes_AS_STRING(outs[3]);
    Py_ssize_t count = 0;
    uint64_t off = (uint64_t)start, un = (uint64_t)n;
#define U32(q) (big ? ((uint32_t)(q)[0] << 24 | (uint32_t)(q)[1] << 16 | (uint32_t)(q)[2] << 8 | (q)[3]) \
                    : ((uint32_t)(q)[3] << 24 | (uint32_t)(q)[2] << 16 | (uint32_t)(q)[1] << 8 | (q)[0]))
    Py_BEGIN_ALLOW_THREADS
    while (off + 12 <= un) {
        const unsigned char *h = p + off;
        if (h[0] == 0x0A && h[1] == 0x0D && h[2] == 0x0D && h[3] == 0x0A) break; /* section header */
        uint32_t type = U32(h), blen = U32(h + 4);
        if (blen < 12 || blen % 4 || (Py_ssize_t)blen > max_block || off + blen > un) break;
        if (type == 6) {
            uint32_t if_id = U32(h + 8);
            if ((Py_ssize_t)if_id >= n_if || blen < 28) break;
            int64_t room = (int64_t)blen - 32, c = U32(h + 20);
            offs[count] = (int64_t)off + 28;
            caps[count] = c < (room > 0 ? room : 0) ? c : (room > 0 ? room : 0);
            wire[count] = U32(h + 24);
            ts[count] = (uint64_t)U32(h + 12) << 32 | U32(h + 16);
            iface[count] = if_id;
            count++;
        } else if (type == 3) {
            if (n_if == 0 || blen < 16) break;
            int64_t orig = U32(h + 8), room = (int64_t)blen - 16;
            offs[count] = (int64_t)off + 12;
            caps[count] = orig < room ? orig : room;
            wire[count] = orig;
            ts[count] = 0;
            iface[count] = 0;
            count++;
        } else if (type == 1) {
            break; /* interface description: Python reads its link type and options */
        }
        off += blen;
    }
    Py_END_ALLOW_THREADS
#undef U32
    PyBuffer_Release(&view);
    Py_ssize_t used = count * (Py_ssize_t)sizeof(int64_t);
    for (int k = 0; k < 5; k++) {
        if (_PyBytes_Resize(&outs[k], used) < 0) {
            for (int j = 0; j < 5; j++) Py_XDECREF(outs[j]);
            return NULL;
        }
    }
    return Py_BuildValue("(NNNNNK)", outs[0], outs[1], outs[2], outs[3], outs[4], (unsigned long long)off);
}

/* ------------------------------------------------------------------------------------ buffers */

/* Borrow a C-contiguous buffer of at least `items` elements of `itemsize` bytes. */
static int borrow(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, Py_ssize_t items, int writable,
                  const char *what) {
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) return -1;
    if (view->itemsize != itemsize || view->len < items * itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd items of %zd bytes", what, items, itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static void release_all(Py_buffer *views, int count) {
    for (int i = 0; i < count; i++) PyBuffer_Release(&views[i]);
}

/* Borrow every element of a tuple: itemsizes[i] bytes each, at least `items` elements. */
static int borrow_tuple(PyObject *tuple, Py_buffer *views, const Py_ssize_t *itemsizes, int count,
                        Py_ssize_t items, int writable, const char *what) {
    if (!PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != count) {
        PyErr_Format(PyExc_ValueError, "%s: expected a tuple of %d arrays", what, count);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        if (borrow(PyTuple_GET_ITEM(tuple, i), &views[i], itemsizes[i], items, writable, what) < 0) {
            release_all(views, i);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------ decode */

enum { W_SRC_MAC, W_DST_MAC, W_ETHERTYPE, W_VLAN, W_L3, W_IP_VERSION, W_SRC_IP4, W_DST_IP4, W_PROTO,
       W_SPORT, W_DPORT, W_TCP_FLAGS, W_PAYLOAD_OFF, W_PAYLOAD_LEN, DECODE_WORDS };
enum { F_HAS_MAC, F_FRAGMENT, F_CUT, DECODE_FLAGS };

#define LINK_NULL 0
#define LINK_ETHERNET 1
#define LINK_SLL 113
#define LINK_SLL2 276

static inline int64_t be16(const unsigned char *p) { return (int64_t)p[0] << 8 | p[1]; }
static inline int64_t be48(const unsigned char *p) {
    return (int64_t)p[0] << 40 | (int64_t)p[1] << 32 | (int64_t)p[2] << 24 | (int64_t)p[3] << 16 |
           (int64_t)p[4] << 8 | p[5];
}
static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static PyObject *decode(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *o_data, *o_off, *o_cap, *o_link, *o_words, *o_flags;
    if (!PyArg_ParseTuple(args, "OOOOOO", &o_data, &o_off, &o_cap, &o_link, &o_words, &o_flags)) return NULL;
    Py_buffer v[6];
    if (borrow(o_off, &v[1], 8, 0, 0, "offsets") < 0) return NULL;
    Py_ssize_t n = v[1].len / 8;
    if (borrow(o_data, &v[0], 1, 0, 0, "data") < 0) { release_all(&v[1], 1); return NULL; }
    if (borrow(o_cap, &v[2], 8, n, 0, "caplen") < 0) { release_all(v, 2); return NULL; }
    if (borrow(o_link, &v[3], 8, n, 0, "linktype") < 0) { release_all(v, 3); return NULL; }
    if (borrow(o_words, &v[4], 8, n * DECODE_WORDS, 1, "words") < 0) { release_all(v, 4); return NULL; }
    if (borrow(o_flags, &v[5], 1, n * DECODE_FLAGS, 1, "flags") < 0) { release_all(v, 5); return NULL; }
    const unsigned char *data = (const unsigned char *)v[0].buf;
    const int64_t len = (int64_t)v[0].len;
    const int64_t *offs = (const int64_t *)v[1].buf, *caps = (const int64_t *)v[2].buf;
    const int64_t *links = (const int64_t *)v[3].buf;
    int64_t *w = (int64_t *)v[4].buf;
    uint8_t *fl = (uint8_t *)v[5].buf;
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        const int64_t off = offs[i], cap = caps[i], link = links[i], end = off + cap;
        /* Every read below is guarded by the packet's end, which lies inside the buffer. */
        if (off < 0 || cap < 0 || end > len) { bad = 1; break; }
        int64_t ethertype = 0, l3 = off, vlan = -1, src_mac = 0, dst_mac = 0;
        int has_mac = 0, fragment = 0, cut = 0;
        const unsigned char *p = data + off;
        if (link == LINK_ETHERNET) {
            if (cap >= 14) {
                dst_mac = be48(p);
                src_mac = be48(p + 6);
                has_mac = 1;
                int64_t et = be16(p + 12), pos = off + 14;
                for (int k = 0; k < 2; k++) {
                    if (!((et == 0x8100 || et == 0x88A8 || et == 0x9100) && pos + 4 <= end)) break;
                    if (vlan < 0) vlan = be16(data + pos) & 0x0FFF;
                    et = be16(data + pos + 2);
                    pos += 4;
                }
                ethertype = et < 0x0600 ? 1 : et;
                l3 = pos;
            }
        } else if (link == LINK_SLL) {
            if (cap >= 16) {
                ethertype = be16(p + 14);
                src_mac = be48(p + 6);
                has_mac = be16(p + 4) == 6;
                l3 = off + 16;
            }
        } else if (link == LINK_SLL2) {
            if (cap >= 20) {
                ethertype = be16(p);
                src_mac = be48(p + 12);
                has_mac = p[11] == 6;
                l3 = off + 20;
            }
        } else if (link == LINK_NULL) {
            if (cap >= 5) {
                int fam = p[0] | p[3];
                ethertype = fam == 2 ? 0x0800 : (fam == 24 || fam == 28 || fam == 30) ? 0x86DD : 0;
                l3 = off + 4;
            }
        } else if (cap >= 1) {
            int ver = p[0] >> 4;
            ethertype = ver == 4 ? 0x0800 : ver == 6 ? 0x86DD : 0;
        }
        int64_t ip_version = 0, src_ip4 = 0, dst_ip4 = 0, proto = -1, l4 = 0, ip_end = end;
        if (ethertype == 0x0800) {
            if (l3 + 20 <= end) {
                const unsigned char *h = data + l3;
                if ((h[0] >> 4) == 4) {
                    ip_version = 4;
                    proto = h[9];
                    src_ip4 = (int64_t)h[12] << 24 | (int64_t)h[13] << 16 | (int64_t)h[14] << 8 | h[15];
                    dst_ip4 = (int64_t)h[16] << 24 | (int64_t)h[17] << 16 | (int64_t)h[18] << 8 | h[19];
                    fragment = (be16(h + 6) & 0x1FFF) != 0;
                    l4 = l3 + (h[0] & 0x0F) * 4;
                    int64_t tot = be16(h + 2);
                    ip_end = min64(end, tot >= 20 ? l3 + tot : end);
                }
            } else {
                cut = 1;
            }
        } else if (ethertype == 0x86DD) {
            if (l3 + 40 <= end) {
                const unsigned char *h = data + l3;
                if ((h[0] >> 4) == 6) {
                    ip_version = 6;
                    int64_t nh = h[6], pos = l3 + 40;
                    for (int k = 0; k < 3; k++) {
                        if (!((nh == 0 || nh == 43 || nh == 60 || nh == 44) && pos + 8 <= end)) break;
                        int is_frag = nh == 44;
                        if (is_frag) fragment = (be16(data + pos + 2) & 0xFFF8) != 0;
                        int64_t step = is_frag ? 8 : ((int64_t)data[pos + 1] + 1) * 8;
                        nh = data[pos];
                        pos += step;
                    }
                    proto = nh;
                    l4 = pos;
                    ip_end = min64(end, l3 + 40 + be16(h + 4));
                }
            } else {
                cut = 1;
            }
        }
        int64_t sport = 0, dport = 0, tcp_flags = 0, payload_off = ip_version > 0 ? ip_end : l3;
        int tcp = proto == 6 && !fragment, udp = proto == 17 && !fragment;
        int tcp_ok = tcp && l4 + 20 <= end, udp_ok = udp && l4 + 8 <= end;
        if ((tcp && !tcp_ok) || (udp && !udp_ok)) cut = 1;
        if (tcp_ok) {
            const unsigned char *t = data + l4;
            sport = be16(t);
            dport = be16(t + 2);
            tcp_flags = t[13];
            payload_off = min64(l4 + (t[12] >> 4) * 4, ip_end);
        } else if (udp_ok) {
            const unsigned char *u = data + l4;
            sport = be16(u);
            dport = be16(u + 2);
            payload_off = l4 + 8;
        }
        int64_t payload_len = ip_version > 0 ? ip_end - payload_off : end - l3;
        if (ip_version > 0 && !(tcp_ok || udp_ok)) payload_len = 0;
        if (payload_len < 0) payload_len = 0;
        w[W_SRC_MAC * n + i] = src_mac;
        w[W_DST_MAC * n + i] = dst_mac;
        w[W_ETHERTYPE * n + i] = ethertype;
        w[W_VLAN * n + i] = vlan;
        w[W_L3 * n + i] = l3;
        w[W_IP_VERSION * n + i] = ip_version;
        w[W_SRC_IP4 * n + i] = src_ip4;
        w[W_DST_IP4 * n + i] = dst_ip4;
        w[W_PROTO * n + i] = proto;
        w[W_SPORT * n + i] = sport;
        w[W_DPORT * n + i] = dport;
        w[W_TCP_FLAGS * n + i] = tcp_flags;
        w[W_PAYLOAD_OFF * n + i] = payload_off;
        w[W_PAYLOAD_LEN * n + i] = payload_len;
        fl[F_HAS_MAC * n + i] = (uint8_t)has_mac;
        fl[F_FRAGMENT * n + i] = (uint8_t)fragment;
        fl[F_CUT * n + i] = (uint8_t)cut;
    }
    Py_END_ALLOW_THREADS
    release_all(v, 6);
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "a packet lies outside the data buffer or its padding");
        return NULL;
    }
    Py_RETURN_NONE;
}

/* --------------------------------------------------------------------------------- aggregate */

/* Per-packet inputs, in this order (all int64 but has_mac uint8 and ts float64). */
enum { P_IP_VERSION, P_HAS_MAC, P_ETHERTYPE, P_SRC_IP4, P_DST_IP4, P_SRC_MAC, P_DST_MAC, P_PROTO, P_SPORT,
       P_DPORT, P_TCP_FLAGS, P_VLAN, P_PAYLOAD_OFF, P_PAYLOAD_LEN, P_WIRELEN, P_TS, P_SRC_V6, P_DST_V6,
       PACKET_INPUTS };
/* Per-flow columns, in this order (all int64 but first/last float64). */
enum { C_KIND, C_PROTO, C_ADDR_A, C_ADDR_B, C_PORT_A, C_PORT_B, C_PACKETS_AB, C_PACKETS_BA, C_BYTES_AB,
       C_BYTES_BA, C_FIRST, C_LAST, C_FIRST_DIR, C_SYN_FROM, C_SYNACK_FROM, C_MAC_A, C_MAC_B, C_VLAN,
       C_SAMPLED, C_KEY, FLOW_COLUMNS };

static inline uint64_t mix(int64_t a, int64_t b, int64_t k) {
    uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)b * 0xC2B2AE3D27D4EB4FULL;
    h ^= (uint64_t)k * 0x165667B19E3779F9ULL;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 32);
}

#define COL(c) ((int64_t *)cv[c].buf)
#define FCOL(c) ((double *)cv[c].buf)

static PyObject *aggregate(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *o_packets, *o_columns, *o_slots, *samples, *o_data;
    Py_ssize_t size, limit, sample_bytes;
    if (!PyArg_ParseTuple(args, "OOOnO!Onn", &o_packets, &o_columns, &o_slots, &size, &PyList_Type, &samples,
                          &o_data, &limit, &sample_bytes))
        return NULL;
    if (!PyTuple_Check(o_packets) || PyTuple_GET_SIZE(o_packets) != PACKET_INPUTS) {
        PyErr_Format(PyExc_ValueError, "packets: expected a tuple of %d arrays", PACKET_INPUTS);
        return NULL;
    }
    Py_buffer ts_view;
    if (borrow(PyTuple_GET_ITEM(o_packets, P_TS), &ts_view, 8, 0, 0, "ts") < 0) return NULL;
    const Py_ssize_t n = ts_view.len / 8;
    PyBuffer_Release(&ts_view);
    if (PyList_GET_SIZE(samples) != size) {
        PyErr_SetString(PyExc_ValueError, "samples must hold one list per flow");
        return NULL;
    }
    Py_ssize_t psize[PACKET_INPUTS];
    for (int i = 0; i < PACKET_INPUTS; i++) psize[i] = i == P_HAS_MAC ? 1 : 8;
    /* The IPv6 address ids may be None when the block has no IPv6 packet. */
    PyObject *v6_src = PyTuple_GET_ITEM(o_packets, P_SRC_V6), *v6_dst = PyTuple_GET_ITEM(o_packets, P_DST_V6);
    const int has_v6 = v6_src != Py_None && v6_dst != Py_None;
    Py_buffer pv[PACKET_INPUTS];
    PyObject *tmp = PyTuple_GetSlice(o_packets, 0, has_v6 ? PACKET_INPUTS : P_SRC_V6);
    if (tmp == NULL) return NULL;
    int np_ = has_v6 ? PACKET_INPUTS : P_SRC_V6;
    int rc = borrow_tuple(tmp, pv, psize, np_, n, 0, "packets");
    Py_DECREF(tmp);
    if (rc < 0) return NULL;
    Py_ssize_t csize[FLOW_COLUMNS];
    for (int i = 0; i < FLOW_COLUMNS; i++) csize[i] = 8;
    Py_buffer cv[FLOW_COLUMNS];
    if (borrow_tuple(o_columns, cv, csize, FLOW_COLUMNS, size + n, 1, "columns") < 0) {
        release_all(pv, np_);
        return NULL;
    }
    Py_buffer sv, dv;
    if (borrow(o_slots, &sv, 8, 0, 1, "slots") < 0) {
        release_all(pv, np_);
        release_all(cv, FLOW_COLUMNS);
        return NULL;
    }
    const Py_ssize_t nslots = sv.len / 8;
    if (nslots < 2 * (size + n) || (nslots & (nslots - 1)) != 0) {
        PyErr_SetString(PyExc_ValueError, "slots must be a power of two at least twice the flows + packets");
        goto fail_slots;
    }
    if (borrow(o_data, &dv, 1, 0, 0, "data") < 0) goto fail_slots;

    const int64_t *ipv = pv[P_IP_VERSION].buf, *et = pv[P_ETHERTYPE].buf;
    const uint8_t *hm = pv[P_HAS_MAC].buf;
    const int64_t *s4 = pv[P_SRC_IP4].buf, *d4 = pv[P_DST_IP4].buf, *smac = pv[P_SRC_MAC].buf;
    const int64_t *dmac = pv[P_DST_MAC].buf, *proto = pv[P_PROTO].buf, *sport = pv[P_SPORT].buf;
    const int64_t *dport = pv[P_DPORT].buf, *flags = pv[P_TCP_FLAGS].buf, *vlan = pv[P_VLAN].buf;
    const int64_t *poff = pv[P_PAYLOAD_OFF].buf, *plen = pv[P_PAYLOAD_LEN].buf, *wl = pv[P_WIRELEN].buf;
    const double *ts = pv[P_TS].buf;
    const int64_t *s6 = has_v6 ? pv[P_SRC_V6].buf : NULL, *d6 = has_v6 ? pv[P_DST_V6].buf : NULL;
    int64_t *slots = sv.buf;
    const uint64_t mask = (uint64_t)nslots - 1;
    const char *data = dv.buf;
    const Py_ssize_t dlen = dv.len;
    int64_t *kind_c = COL(C_KIND), *proto_c = COL(C_PROTO), *a_c = COL(C_ADDR_A), *b_c = COL(C_ADDR_B);
    int64_t *pa_c = COL(C_PORT_A), *pb_c = COL(C_PORT_B), *pkab = COL(C_PACKETS_AB), *pkba = COL(C_PACKETS_BA);
    int64_t *byab = COL(C_BYTES_AB), *byba = COL(C_BYTES_BA), *fdir = COL(C_FIRST_DIR);
    int64_t *synf = COL(C_SYN_FROM), *synackf = COL(C_SYNACK_FROM), *maca = COL(C_MAC_A), *macb = COL(C_MAC_B);
    int64_t *vlan_c = COL(C_VLAN), *sampled = COL(C_SAMPLED), *key_c = COL(C_KEY);
    double *first = FCOL(C_FIRST), *last = FCOL(C_LAST);
    Py_ssize_t other = 0;

    for (Py_ssize_t i = 0; i < n; i++) {
        const int64_t v = ipv[i];
        int64_t src, dst, kind, pr;
        if (v > 0) {
            kind = 0;
            pr = proto[i];
            if (v == 6 && has_v6) {
                src = s6[i];
                dst = d6[i];
            } else {
                src = s4[i];
                dst = d4[i];
            }
        } else {
            const int64_t e = et[i];
            if (!hm[i] || e == 0x0806 || e == 0x0800 || e == 0x86DD) {
                other++;
                continue;
            }
            kind = 1;
            pr = e;
            src = smac[i];
            dst = dmac[i];
        }
        const int64_t sp = sport[i], dp = dport[i];
        const int dir = src > dst || (src == dst && sp > dp);
        const int64_t a = dir ? dst : src, b = dir ? src : dst;
        const int64_t pa = dir ? dp : sp, pb = dir ? sp : dp;
        const int64_t key = kind << 56 | pr << 32 | pa << 16 | pb;
        uint64_t at = mix(a, b, key) & mask;
        int64_t f;
        while ((f = slots[at]) >= 0) {
            if (a_c[f] == a && b_c[f] == b && key_c[f] == key) break;
            at = (at + 1) & mask;
        }
        if (f < 0) {
            f = size++;
            slots[at] = f;
            PyObject *fresh = PyList_New(0);
            if (fresh == NULL || PyList_Append(samples, fresh) < 0) {
                Py_XDECREF(fresh);
                goto fail_all;
            }
            Py_DECREF(fresh);
            kind_c[f] = kind;
            proto_c[f] = (key >> 32) & 0xFFFFFF;
            a_c[f] = a;
            b_c[f] = b;
            pa_c[f] = pa;
            pb_c[f] = pb;
            pkab[f] = pkba[f] = byab[f] = byba[f] = 0;
            first[f] = last[f] = ts[i];
            fdir[f] = dir;
            synf[f] = synackf[f] = maca[f] = macb[f] = -1;
            vlan_c[f] = vlan[i];
            sampled[f] = 0;
            key_c[f] = key;
        }
        if (dir) {
            pkba[f]++;
            byba[f] += wl[i];
        } else {
            pkab[f]++;
            byab[f] += wl[i];
        }
        if (ts[i] < first[f]) first[f] = ts[i];
        if (ts[i] > last[f]) last[f] = ts[i];
        const int64_t syn_ack = flags[i] & 0x12;
        if (syn_ack == 0x02 && synf[f] < 0) synf[f] = dir;
        if (syn_ack == 0x12 && synackf[f] < 0) synackf[f] = dir;
        if (hm[i]) {
            if (!dir && maca[f] < 0) maca[f] = smac[i];
            if (dir && macb[f] < 0) macb[f] = smac[i];
        }
        if (plen[i] > 0 && sampled[f] < limit) {
            const int64_t lo = poff[i], cut = plen[i] < sample_bytes ? plen[i] : sample_bytes;
            if (lo < 0 || lo + cut > dlen) {
                PyErr_SetString(PyExc_ValueError, "a payload lies outside the data buffer");
                goto fail_all;
            }
            sampled[f]++;
            PyObject *item = Py_BuildValue("(iy#)", dir, data + lo, (Py_ssize_t)cut);
            if (item == NULL) goto fail_all;
            rc = PyList_Append(PyList_GET_ITEM(samples, f), item);
            Py_DECREF(item);
            if (rc < 0) goto fail_all;
        }
    }
    PyBuffer_Release(&dv);
    PyBuffer_Release(&sv);
    release_all(cv, FLOW_COLUMNS);
    release_all(pv, np_);
    return Py_BuildValue("(nn)", size, other);

fail_all:
    PyBuffer_Release(&dv);
fail_slots:
    PyBuffer_Release(&sv);
    release_all(cv, FLOW_COLUMNS);
    release_all(pv, np_);
    return NULL;
}

/* Rebuild the hash slots for the first `size` flows (after the slot array grew). */
static PyObject *index_flows(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *o_slots, *o_a, *o_b, *o_key;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "OOOOn", &o_slots, &o_a, &o_b, &o_key, &size)) return NULL;
    Py_buffer v[4];
    if (borrow(o_slots, &v[0], 8, 2 * size, 1, "slots") < 0) return NULL;
    if (borrow(o_a, &v[1], 8, size, 0, "addr_a") < 0) { release_all(v, 1); return NULL; }
    if (borrow(o_b, &v[2], 8, size, 0, "addr_b") < 0) { release_all(v, 2); return NULL; }
    if (borrow(o_key, &v[3], 8, size, 0, "key") < 0) { release_all(v, 3); return NULL; }
    Py_ssize_t nslots = v[0].len / 8;
    if ((nslots & (nslots - 1)) != 0) {
        release_all(v, 4);
        PyErr_SetString(PyExc_ValueError, "slots must be a power of two");
        return NULL;
    }
    int64_t *slots = v[0].buf;
    const int64_t *a = v[1].buf, *b = v[2].buf, *key = v[3].buf;
    const uint64_t mask = (uint64_t)nslots - 1;
    for (Py_ssize_t i = 0; i < nslots; i++) slots[i] = -1;
    for (Py_ssize_t f = 0; f < size; f++) {
        uint64_t at = mix(a[f], b[f], key[f]) & mask;
        while (slots[at] >= 0) at = (at + 1) & mask;
        slots[at] = f;
    }
    release_all(v, 4);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"index_pcap", index_pcap, METH_VARARGS,
     "Record data offsets, captured/original lengths and timestamps of the pcap records in buffer[:n]."},
    {"index_pcapng", index_pcapng, METH_VARARGS,
     "Data offsets, lengths, raw timestamps and interfaces of a pcapng section's packet blocks."},
    {"decode", decode, METH_VARARGS, "Decode the headers of every packet into the words and flags arrays."},
    {"aggregate", aggregate, METH_VARARGS, "Add a decoded block's packets to the flow columns and samples."},
    {"index_flows", index_flows, METH_VARARGS, "Rebuild the flow hash slots for the first size flows."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_packets", "Compiled per-packet hot path of pcap discovery (optional).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__packets(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (PyModule_AddIntConstant(m, "DECODE_WORDS", DECODE_WORDS) < 0 ||
        PyModule_AddIntConstant(m, "DECODE_FLAGS", DECODE_FLAGS) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
