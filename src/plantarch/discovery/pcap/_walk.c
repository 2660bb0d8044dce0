/* Optional compiled pcap record walk for plantarch (issue #3).
 *
 * walk_pcap(buffer, n, big_endian) -> (offsets: bytes of native int64, stop: int)
 * Identical to the pure-Python walk in reader.py: from offset 0, while a 16-byte record header fits
 * in the first n bytes and the whole record (16 + incl_len) fits too, record its offset and advance.
 * `stop` is the offset of the first record that does not fit (or n's tail).  Length sanity checks
 * stay in Python, after the walk, exactly as in the fallback.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static PyObject *walk_pcap(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer view;
    Py_ssize_t n;
    int big;
    if (!PyArg_ParseTuple(args, "y*ni", &view, &n, &big)) return NULL;
    if (n < 0 || n > view.len) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "n is outside the buffer");
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)view.buf;
    Py_ssize_t cap = n / 16 + 1;
    PyObject *out = PyBytes_FromStringAndSize(NULL, cap * (Py_ssize_t)sizeof(int64_t));
    if (out == NULL) {
        PyBuffer_Release(&view);
        return NULL;
    }
    int64_t *offs = (int64_t *)PyBytes_AS_STRING(out);
    Py_ssize_t count = 0;
    uint64_t off = 0, un = (uint64_t)n;
    Py_BEGIN_ALLOW_THREADS
    while (off + 16 <= un) {
        const unsigned char *h = p + off + 8;
        uint64_t incl = big ? ((uint64_t)h[0] << 24 | (uint64_t)h[1] << 16 | (uint64_t)h[2] << 8 | h[3])
                            : ((uint64_t)h[3] << 24 | (uint64_t)h[2] << 16 | (uint64_t)h[1] << 8 | h[0]);
        uint64_t end = off + 16 + incl;
        if (end > un) break;
        offs[count++] = (int64_t)off;
        off = end;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (_PyBytes_Resize(&out, count * (Py_ssize_t)sizeof(int64_t)) < 0) return NULL;
    return Py_BuildValue("(NK)", out, (unsigned long long)off);
}

static PyMethodDef methods[] = {
    {"walk_pcap", walk_pcap, METH_VARARGS,
     "Record offsets (native int64 bytes) and stop offset of the pcap records in buffer[:n]."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_walk", "Compiled pcap record walk (optional).", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__walk(void) { return PyModule_Create(&module); }
