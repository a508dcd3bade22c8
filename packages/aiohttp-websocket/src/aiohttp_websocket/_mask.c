/*
 * WebSocket payload masking (RFC 6455, section 5.3) in C.
 *
 * One function, mask(key, data, header=b""), returns header + data XORed with
 * the 4-byte key repeated.  Masking and unmasking are the same operation.
 * The pure-Python fallback in frames.py converts the payload to big integers,
 * which costs about a nanosecond per byte each way; here the XOR runs eight
 * bytes per step and the result is written straight into the new bytes
 * object, behind the header, so a client frame is built with one allocation.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

PyDoc_STRVAR(mask_doc,
"mask(key, data, header=b'', /)\n--\n\n"
"Return header + data XORed with the 4-byte key repeated from data's start.");

static PyObject *
mask_mask(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    Py_buffer key, data, header;
    PyObject *result = NULL;
    uint32_t key4;
    uint64_t key8;
    const unsigned char *src;
    unsigned char *dst;
    Py_ssize_t size, i;

    if (nargs < 2 || nargs > 3) {
        PyErr_Format(PyExc_TypeError,
                     "mask() takes 2 or 3 positional arguments (%zd given)", nargs);
        return NULL;
    }
    if (PyObject_GetBuffer(args[0], &key, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    if (key.len != 4) {
        PyErr_SetString(PyExc_ValueError, "the masking key must be 4 bytes");
        PyBuffer_Release(&key);
        return NULL;
    }
    memcpy(&key4, key.buf, 4);
    PyBuffer_Release(&key);
    key8 = ((uint64_t)key4 << 32) | key4;

    if (PyObject_GetBuffer(args[1], &data, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    header.buf = NULL;
    header.len = 0;
    if (nargs == 3 && PyObject_GetBuffer(args[2], &header, PyBUF_SIMPLE) < 0) {
        PyBuffer_Release(&data);
        return NULL;
    }
    size = data.len;
    if (size > PY_SSIZE_T_MAX - header.len) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyBytes_FromStringAndSize(NULL, header.len + size);
    if (result == NULL) {
        goto done;
    }
    dst = (unsigned char *)PyBytes_AS_STRING(result);
    if (header.len) {
        memcpy(dst, header.buf, (size_t)header.len);
        dst += header.len;
    }
    src = (const unsigned char *)data.buf;
    /* memcpy for the loads and stores: any alignment, and the compiler turns
     * each into one move (or vectorises the loop). */
    for (i = 0; i + 8 <= size; i += 8) {
        uint64_t word;
        memcpy(&word, src + i, 8);
        word ^= key8;
        memcpy(dst + i, &word, 8);
    }
    {
        const unsigned char *k = (const unsigned char *)&key8;
        for (; i < size; i++) {
            dst[i] = src[i] ^ k[i & 7];
        }
    }

done:
    PyBuffer_Release(&data);
    if (nargs == 3) {
        PyBuffer_Release(&header);
    }
    return result;
}

static PyMethodDef mask_methods[] = {
    {"mask", (PyCFunction)(void (*)(void))mask_mask, METH_FASTCALL, mask_doc},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot mask_slots[] = {
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef mask_module = {
    PyModuleDef_HEAD_INIT,
    "aiohttp_websocket._mask",
    "WebSocket payload masking in C (optional; frames.py falls back to Python).",
    0,
    mask_methods,
    mask_slots,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC
PyInit__mask(void)
{
    return PyModuleDef_Init(&mask_module);
}
