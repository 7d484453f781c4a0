"""test_admin_prop_audit.py: the audit pages: a super admin verifies the hash chain (valid, with the API's
figures), looks up an object's history by entity and id, and a manager opening the verify page (super admin
only) gets the API's 403 as the translated message, not a blank page."""
from backoffice import Api, log_in, settled
from conftest import ADMIN, MANAGER, i18n

FR = i18n("fr")


def test_super_admin_verifies_the_chain_and_reads_a_history(page, web):
    admin = Api(web, ADMIN)
    log_in(page, ADMIN)
    page.click("[data-nav=audit]")
    page.wait_path("/admin/audit")
    settled(page)
    page.click("main a[href='/admin/audit/verify']")
    result = page.wait("[data-audit-valid]")
    assert result.get_attribute("data-audit-valid") == "true"
    assert FR["audit.valid"] in result.text
    check = admin.data("get", "/audit/verify")
    assert check["valid"] is True
    shown = int(result.text.split("\n")[1].split()[0])  # "<n> entrée(s) vérifiée(s), ..."
    assert 0 < shown <= check["checked"]
    # again from a later entry: the address keeps it
    page.fill("fromSeq", "2", "form[data-form=verify]")
    page.click("[data-action=verify]")
    page.wait_path("/admin/audit/verify?fromSeq=2")
    page.until(lambda: page.find("[data-audit-valid]").get_attribute("data-audit-valid") == "true", "the new result")
    # an object's history by entity and id (the establishment's own creation by seed-demo comes first)
    page.go("/admin/audit")
    settled(page)
    page.set_value("entity", "establishment", "form[data-form=audit-entity]")
    page.fill("entityId", web.est["id"], "form[data-form=audit-entity]")
    page.submit("form[data-form=audit-entity]")
    page.wait_path(f"/admin/audit/establishment/{web.est['id']}")
    settled(page)
    first = page.wait(".audit-entry")
    assert first.get_attribute("data-audit-action") == "establishment.create"
    assert "name" in page.find(".audit-entry .changes").text


def test_manager_is_refused_the_verify_page_with_the_translated_message(page, web):
    log_in(page, MANAGER)
    page.go("/admin/audit/verify")
    alert = page.wait("main [data-error-code=FORBIDDEN]")
    assert alert.text.startswith(FR["error.FORBIDDEN"])
    assert page.text("main h1") == FR["audit.verify"]
    # the menu does not offer it: the audit page has no verify link for a manager
    page.click("[data-nav=audit]")
    settled(page)
    assert not page.finds("main a[href='/admin/audit/verify']")
