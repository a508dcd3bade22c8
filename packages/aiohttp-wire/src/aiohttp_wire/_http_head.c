/*
 * Header block splitting for http_parser.py, in C (optional).
 *
 * parse_header_block(block, max_headers) takes the field lines of a message
 * head (each ending in CRLF, the empty line excluded) and returns
 * (pairs, raw): a list of (name, value) str pairs and a tuple of
 * (name, value) bytes pairs, values trimmed of spaces and tabs.  It accepts
 * only the strict grammar (RFC 9110 5.1 and 5.5, RFC 9112 5): a token name,
 * a colon with no whitespace before it, a value of HTAB, SP, VCHAR and
 * obs-text.  Anything else (a bad byte, obs-fold, a bare LF, more than
 * max_headers lines) returns None, and the Python parser takes the block
 * and names the error; so this function never decides an error itself and
 * never accepts what the Python code refuses.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Bit 1: tchar (a header name byte); bit 2: a field-value byte. */
static unsigned char byte_class[256];

#define IS_TCHAR(c) (byte_class[(unsigned char)(c)] & 1)
#define IS_VALUE(c) (byte_class[(unsigned char)(c)] & 2)

static void
init_byte_class(void)
{
    const char *tchar_punct = "!#$%&'*+-.^_`|~";
    int c;

    for (c = '0'; c <= '9'; c++) {
        byte_class[c] |= 1;
    }
    for (c = 'A'; c <= 'Z'; c++) {
        byte_class[c] |= 1;
    }
    for (c = 'a'; c <= 'z'; c++) {
        byte_class[c] |= 1;
    }
    for (; *tchar_punct; tchar_punct++) {
        byte_class[(unsigned char)*tchar_punct] |= 1;
    }
    byte_class['\t'] |= 2;
    for (c = 0x20; c <= 0x7e; c++) {
        byte_class[c] |= 2;
    }
    for (c = 0x80; c <= 0xff; c++) {
        byte_class[c] |= 2;
    }
}

/* Append (name, value) as str and as bytes; -1 on a Python error. */
static int
add_pair(PyObject *pairs, PyObject *raw, const char *name, Py_ssize_t name_len,
         const char *value, Py_ssize_t value_len)
{
    PyObject *bname, *bvalue, *sname, *svalue, *item;

    bname = PyBytes_FromStringAndSize(name, name_len);
    bvalue = PyBytes_FromStringAndSize(value, value_len);
    /* Names are tokens (ASCII); values may hold obs-text, kept losslessly. */
    sname = PyUnicode_DecodeASCII(name, name_len, "strict");
    svalue = PyUnicode_DecodeUTF8(value, value_len, "surrogateescape");
    if (bname == NULL || bvalue == NULL || sname == NULL || svalue == NULL) {
        goto error;
    }
    item = PyTuple_Pack(2, bname, bvalue);
    if (item == NULL) {
        goto error;
    }
    if (PyList_Append(raw, item) < 0) {
        Py_DECREF(item);
        goto error;
    }
    Py_DECREF(item);
    item = PyTuple_Pack(2, sname, svalue);
    if (item == NULL) {
        goto error;
    }
    if (PyList_Append(pairs, item) < 0) {
        Py_DECREF(item);
        goto error;
    }
    Py_DECREF(item);
    Py_DECREF(bname);
    Py_DECREF(bvalue);
    Py_DECREF(sname);
    Py_DECREF(svalue);
    return 0;

error:
    Py_XDECREF(bname);
    Py_XDECREF(bvalue);
    Py_XDECREF(sname);
    Py_XDECREF(svalue);
    return -1;
}

PyDoc_STRVAR(parse_header_block_doc,
"parse_header_block(block, max_headers, /)\n--\n\n"
"Split strictly valid field lines into ([(name, value) str], ((name, value) bytes, ...));\n"
"None for anything else, which the Python parser then handles.");

static PyObject *
parse_header_block(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    const char *buf;
    Py_ssize_t size, pos = 0, count = 0, max_headers;
    PyObject *pairs = NULL, *raw = NULL, *raw_tuple, *result;

    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError,
                     "parse_header_block() takes 2 positional arguments (%zd given)", nargs);
        return NULL;
    }
    if (!PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "parse_header_block() needs bytes");
        return NULL;
    }
    max_headers = PyLong_AsSsize_t(args[1]);
    if (max_headers == -1 && PyErr_Occurred()) {
        return NULL;
    }
    buf = PyBytes_AS_STRING(args[0]);
    size = PyBytes_GET_SIZE(args[0]);

    pairs = PyList_New(0);
    raw = PyList_New(0);
    if (pairs == NULL || raw == NULL) {
        goto error;
    }
    while (pos < size) {
        Py_ssize_t name_start = pos, name_end, value_start, value_end;

        while (pos < size && IS_TCHAR(buf[pos])) {
            pos++;
        }
        if (pos == name_start || pos >= size || buf[pos] != ':') {
            goto not_strict;
        }
        name_end = pos++;
        value_start = pos;
        while (pos < size && IS_VALUE(buf[pos])) {
            pos++;
        }
        value_end = pos;
        if (size - pos < 2 || buf[pos] != '\r' || buf[pos + 1] != '\n') {
            goto not_strict;
        }
        pos += 2;
        if (++count > max_headers) {
            goto not_strict;
        }
        while (value_start < value_end && (buf[value_start] == ' ' || buf[value_start] == '\t')) {
            value_start++;
        }
        while (value_end > value_start && (buf[value_end - 1] == ' ' || buf[value_end - 1] == '\t')) {
            value_end--;
        }
        if (add_pair(pairs, raw, buf + name_start, name_end - name_start, buf + value_start,
                     value_end - value_start) < 0) {
            goto error;
        }
    }
    raw_tuple = PyList_AsTuple(raw);
    Py_DECREF(raw);
    if (raw_tuple == NULL) {
        Py_DECREF(pairs);
        return NULL;
    }
    result = PyTuple_Pack(2, pairs, raw_tuple);
    Py_DECREF(pairs);
    Py_DECREF(raw_tuple);
    return result;

not_strict:
    Py_DECREF(pairs);
    Py_DECREF(raw);
    Py_RETURN_NONE;

error:
    Py_XDECREF(pairs);
    Py_XDECREF(raw);
    return NULL;
}

static PyMethodDef http_head_methods[] = {
    {"parse_header_block", (PyCFunction)(void (*)(void))parse_header_block, METH_FASTCALL,
     parse_header_block_doc},
    {NULL, NULL, 0, NULL},
};

static int
http_head_exec(PyObject *module)
{
    init_byte_class();
    return 0;
}

static PyModuleDef_Slot http_head_slots[] = {
    {Py_mod_exec, http_head_exec},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef http_head_module = {
    PyModuleDef_HEAD_INIT,
    "aiohttp_wire._http_head",
    "Header block splitting in C (optional; http_parser.py falls back to Python).",
    0,
    http_head_methods,
    http_head_slots,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC
PyInit__http_head(void)
{
    return PyModuleDef_Init(&http_head_module);
}
