"""storedirect.py: test-only direct access to a server's store, both backends (sqlite3 on the file,
pymongo on jongodb), for seeding documents no endpoint creates yet and for tampering with stored
audit entries. Documents follow the store's model: a string "id" (24 hex) and an integer
"version" (1 on insert); MongoDB keeps the id in "_id" and every integer as int64."""
import copy
import json
import os
import secrets
import sqlite3
import time

import harness

try:
    import bson
    import pymongo
except ImportError:  # scripts/install-deps installs python3-pymongo
    pymongo = None


def new_id():
    """An id in the SPEC 2.5 format: 4-byte seconds, 5 random bytes, 3-byte counter."""
    return "%08x" % int(time.time()) + secrets.token_hex(8)


def _sqlite_path(server):
    return server.store_uri[len("sqlite:"):]


def _mongo_db(server):
    if pymongo is None:
        raise RuntimeError("python3-pymongo is missing (scripts/install-deps installs it)")
    client = pymongo.MongoClient(server.store_uri, serverSelectionTimeoutMS=10000)
    return client, client.get_default_database()


def _int64(v):
    """Integers as int64 at any depth (the backend's rule; jongodb compares int32/int64 unequal)."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return bson.int64.Int64(v)
    if isinstance(v, dict):
        return {k: _int64(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_int64(x) for x in v]
    return v


def _from_mongo(doc):
    out = {k: v for k, v in doc.items() if k != "_id"}
    return dict({"id": doc["_id"]}, **json.loads(json.dumps(out, default=int)))


def insert(server, coll, doc):
    """Inserts `doc` into `coll` (id generated when missing, version 1); returns the id."""
    doc = copy.deepcopy(doc)
    doc.setdefault("id", new_id())
    doc["version"] = 1
    if server.backend == "sqlite":
        db = sqlite3.connect(_sqlite_path(server), timeout=10)
        try:
            with db:
                db.execute(f'INSERT INTO "{coll}" (id, doc) VALUES (?, ?)',
                           (doc["id"], json.dumps(doc)))
        finally:
            db.close()
        harness.chown_to_run_user(os.path.dirname(_sqlite_path(server)))
    else:
        client, db = _mongo_db(server)
        try:
            body = {k: v for k, v in doc.items() if k != "id"}
            db[coll].insert_one(dict({"_id": doc["id"]}, **_int64(body)))
        finally:
            client.close()
    return doc["id"]


def get(server, coll, doc_id):
    """The stored document or None."""
    if server.backend == "sqlite":
        db = sqlite3.connect(_sqlite_path(server), timeout=10)
        try:
            row = db.execute(f'SELECT doc FROM "{coll}" WHERE id = ?', (doc_id,)).fetchone()
        finally:
            db.close()
        return json.loads(row[0]) if row else None
    client, db = _mongo_db(server)
    try:
        doc = db[coll].find_one({"_id": doc_id})
    finally:
        client.close()
    return _from_mongo(doc) if doc else None


def delete(server, coll, doc_id):
    """Deletes one document behind the API's back; returns 1 when it existed, else 0."""
    if server.backend == "sqlite":
        db = sqlite3.connect(_sqlite_path(server), timeout=10)
        try:
            with db:
                return db.execute(f'DELETE FROM "{coll}" WHERE id = ?', (doc_id,)).rowcount
        finally:
            db.close()
    client, db = _mongo_db(server)
    try:
        return db[coll].delete_one({"_id": doc_id}).deleted_count
    finally:
        client.close()


def set_field_where(server, coll, field, value, new_field, new_value):
    """Sets top-level `new_field` to `new_value` on the document(s) whose top-level `field` equals
    `value`, behind the API's back. Returns the number of documents changed."""
    if server.backend == "sqlite":
        db = sqlite3.connect(_sqlite_path(server), timeout=10)
        try:
            with db:
                cur = db.execute(
                    f'UPDATE "{coll}" SET doc = json_set(doc, ?, json(?)) '
                    f"WHERE json_extract(doc, ?) = ?",
                    ("$." + new_field, json.dumps(new_value), "$." + field, value))
            return cur.rowcount
        finally:
            db.close()
    client, db = _mongo_db(server)
    try:
        key = "_id" if field == "id" else field
        res = db[coll].update_many({key: _int64(value)}, {"$set": {new_field: _int64(new_value)}})
        return res.modified_count
    finally:
        client.close()


def add_user(server, role, est, template_id, email=None):
    """A user of `role` in establishment `est` (None for super_admin), cloned from the stored user
    `template_id` (e.g. the ruzizi-ctl admin): same password, new id and email. Returns the id."""
    doc = get(server, "users", template_id)
    assert doc, f"no user {template_id}"
    doc = {k: v for k, v in doc.items() if k not in ("id", "version")}
    uid = new_id()
    doc.update({"email": email or f"{role}-{uid}@example.com", "role": role,
                "establishmentId": est, "createdBy": template_id})
    return insert(server, "users", dict(doc, id=uid))


def find_all(server, coll):
    """Every document of `coll` (small test collections only)."""
    if server.backend == "sqlite":
        db = sqlite3.connect(_sqlite_path(server), timeout=10)
        try:
            try:
                rows = db.execute(f'SELECT doc FROM "{coll}"').fetchall()
            except sqlite3.OperationalError:  # the collection does not exist yet
                return []
        finally:
            db.close()
        return [json.loads(r[0]) for r in rows]
    client, db = _mongo_db(server)
    try:
        return [_from_mongo(d) for d in db[coll].find({})]
    finally:
        client.close()
