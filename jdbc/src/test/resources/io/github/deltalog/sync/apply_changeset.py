"""Applies a changeset or patchset file to an SQLite database with Debian's libsqlite3 (sqlite3changeset_apply).

Usage: python3 apply_changeset.py DB BLOB_FILE omit|abort|replace
Prints the return code of sqlite3changeset_apply, then the conflict types SQLite reported, space-separated
(1 DATA, 2 NOTFOUND, 3 CONFLICT, 4 CONSTRAINT, 5 FOREIGN_KEY). Exit status 3 if the library is missing.
"""
import ctypes
import ctypes.util
import sys

ANSWERS = {"omit": 0, "replace": 1, "abort": 2}


def main():
    db_path, blob_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    try:
        lib = ctypes.CDLL("libsqlite3.so.0")
    except OSError as e:
        print("no libsqlite3.so.0: %s" % e, file=sys.stderr)
        return 3
    db = ctypes.c_void_p()
    lib.sqlite3_open.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    if lib.sqlite3_open(db_path.encode(), ctypes.byref(db)) != 0:
        print("cannot open %s" % db_path, file=sys.stderr)
        return 2
    with open(blob_path, "rb") as f:
        data = f.read()
    buf = ctypes.create_string_buffer(data, len(data))
    seen = []
    conflict_fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)

    def on_conflict(ctx, kind, it):
        seen.append(kind)
        answer = ANSWERS[mode]
        # SQLite allows REPLACE only for DATA (1) and CONFLICT (3) conflicts.
        return answer if answer != 1 or kind in (1, 3) else 0

    callback = conflict_fn(on_conflict)
    lib.sqlite3changeset_apply.argtypes = [
        ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, conflict_fn, ctypes.c_void_p]
    rc = lib.sqlite3changeset_apply(db, len(data), buf, None, callback, None)
    lib.sqlite3_close(db)
    print(" ".join([str(rc)] + [str(k) for k in seen]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
