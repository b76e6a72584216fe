"""Who the org file makes someone: a branch secretary or township contact it names, once on the
roster (the ledger) and bound to WeChat like any member, has that role — and receives what a
secretary receives (the daily list of notices that never arrived)."""
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from models.member import Member
from models.roles import Role, roles_of
from scheduler.jobs import send_delivery_digests
from tests.conftest import CONFIG_FILE

pytestmark = pytest.mark.postgres

ORG_FILE = ("乡镇（街道）,党支部,书记,书记电话,支部电话,乡镇联系人,乡镇联系电话\n"
            "红柳镇,白杨村党支部,王某,13700001001,0471-5550001,赵某,13700002001\n")
LEDGER = ("姓名,手机号,所属党支部,红色联络员\n"
          "张某,13800001234,红柳镇白杨村党支部,李某 13900000001\n"
          "王某,13700001001,红柳镇白杨村党支部,\n"
          "赵某,13700002001,红柳镇白杨村党支部,\n")
SECRETARY, CONTACT, LIAISON = "oKite_secretary_0001", "oKite_township_0001", "oKite_liaison_0001"


@pytest.fixture
def district(db_url, tmp_path, app):
    """The org file, then the ledger, imported as staff do."""
    for kind, name, text in (("orgs", "组织架构.csv", ORG_FILE), ("members", "台账.csv", LEDGER)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["--config", str(CONFIG_FILE), "import", kind, str(path)],
                                    env={"KITELINE_DATABASE__URL": db_url})
        assert result.exit_code == 0, result.output


def roles(session, name: str) -> set[Role]:
    session.expire_all()
    return set(roles_of(session, session.scalar(select(Member).where(Member.name == name))))


def test_the_secretary_and_township_contact_bind_like_members_and_get_their_roles(district, make_chat, session):
    assert roles(session, "王某") == {Role.MEMBER, Role.SECRETARY}  # bound or not, the roster says who
    secretary, contact = make_chat(SECRETARY), make_chat(CONTACT)
    assert secretary.say("绑定 王某 13700001001").startswith("绑定成功！王某您好，您是白杨村党支部的党员。")
    assert contact.say("绑定 赵某 13700002001").startswith("绑定成功！赵某您好，您是白杨村党支部的党员。")
    assert roles(session, "王某") == {Role.MEMBER, Role.SECRETARY}
    assert roles(session, "赵某") == {Role.MEMBER, Role.TOWNSHIP}
    assert roles(session, "张某") == {Role.MEMBER}


def test_a_bound_secretary_from_the_org_file_hears_of_a_notice_that_never_arrived(
        district, chat, make_chat, app, send, job_runtime):
    secretary, liaison = make_chat(SECRETARY), make_chat(LIAISON)
    secretary.say("绑定 王某 13700001001")
    liaison.say("绑定 李某 13900000001")
    chat.say("绑定 张某 13800001234")
    chat.say("求助 老板拖欠了三个月工资")
    liaison.unfollow()  # before the notice goes out: it is dropped
    assert send() == 0
    assert send_delivery_digests() == 1
    assert send() == 1
    received = app.test_client().get(f"/sandbox/messages/{SECRETARY}").get_json()
    assert [(m["channel"], m["text"].splitlines()[0]) for m in received] == [
        ("custom", "【通知未送达汇总】白杨村党支部 11月29日，有1条通知没有送到，请电话转告本人：")]
