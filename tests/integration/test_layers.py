"""test_layers.py: the layers of DESIGN.md 1-2 hold: scripts/check-layers finds no forbidden #include
in mod_ruzizi/, and it does catch each kind of forbidden include when one is planted in a copy."""

import shutil
import subprocess
import sys

import pytest

import harness

SCRIPT = harness.SRC_DIR / "scripts" / "check-layers"


def run_guard(root):
    return subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True,
                          timeout=120)


def test_the_tree_keeps_its_layers():
    res = run_guard(harness.SRC_DIR)
    assert res.returncode == 0 and res.stdout == "", res.stdout + res.stderr


# (file of the layer, what it must not include, a word of the reason)
PLANTED = {
    "core-store": ("core/rz_json.c", '"store/rz_store.h"', "store/ is not below core/"),
    "core-services": ("core/rz_time.c", '"services/rz_audit.h"', "services/ is not below core/"),
    "core-httpd": ("core/rz_query.c", "<httpd.h>", "httpd header"),
    "core-apr-beyond-pools": ("core/rz_text.c", '"apr_thread_mutex.h"', "pools, tables"),
    "auth-store": ("auth/rz_jwt.c", '"store/rz_store.h"', "store/ is not below auth/"),
    "store-domain": ("store/rz_store.c", '"domain/rz_req.h"', "domain/ is not below store/"),
    "store-http": ("store/rz_store_sqlite.c", '"http/rz_request.h"', "http/ is not below store/"),
    "store-services": ("store/rz_migrations.c", '"services/rz_jobs.h"',
                       "services/ is not below store/"),
    "services-domain": ("services/rz_outbox.c", '"domain/rz_write.h"',
                        "domain/ is not below services/"),
    "services-http": ("services/rz_audit.c", '"http/rz_response.h"', "http/ is not below services/"),
    "services-httpd": ("services/rz_jobs.c", '"http_log.h"', "httpd header"),
    "domain-httpd": ("domain/rz_users.c", '"http_protocol.h"', "httpd header"),
    "domain-http": ("domain/rz_clients.c", '"http/rz_response.h"', "http/ is not below domain/"),
    "domain-glue": ("domain/rz_images.c", '"rz_config.h"', "glue"),
    "domain-slots": ("domain/rz_images.c", '"rz_slots.h"', "glue"),
    "domain-route-table": ("domain/rz_system.c", '"rz_routes.h"', "glue"),
    "http-route-table": ("http/rz_router.c", '"rz_routes.h"', "glue"),
    "ctl-http": ("ctl/ruzizi-ctl.c", '"http/rz_router.h"', "http/ is not below ctl/"),
    "ctl-httpd": ("ctl/ctl_seed.c", "<httpd.h>", "httpd header"),
    "ctl-glue": ("ctl/ctl_admin.c", '"rz_shm.h"', "glue"),
    "store-driver-in-services": ("services/rz_notify.c", "<sqlite3.h>", "store driver"),
}


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(harness.SRC_DIR / "mod_ruzizi", root / "mod_ruzizi",
                    ignore=shutil.ignore_patterns("*.o", "*.lo", ".deps", ".libs", ".dirstamp"))
    return root


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_a_planted_include_is_caught(clean_copy, case):
    rel, header, reason = PLANTED[case]
    path = clean_copy / "mod_ruzizi" / rel
    original = path.read_text(encoding="utf-8")
    assert run_guard(clean_copy).returncode == 0, "the copy must start clean"
    lines = original.splitlines(keepends=True)
    lines.insert(2, f"#include {header}\n")
    path.write_text("".join(lines), encoding="utf-8")
    try:
        res = run_guard(clean_copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert res.returncode == 1, res.stdout + res.stderr
    assert f"mod_ruzizi/{rel}:3: " in res.stdout, res.stdout
    assert header.strip('<>"') in res.stdout and reason in res.stdout, res.stdout
