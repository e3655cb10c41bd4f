"""Every command, run twice: the second run changes nothing it should not."""
from __future__ import annotations

from models import ApiToken, Dossier, Procedure, User
from services import accounts


def test_init_db_is_idempotent(runner, ctx):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert "procedures added: 0" in second.output
    assert Procedure.select().count() == 15


def test_create_user_reads_password_from_stdin_and_updates_on_rerun(runner, ctx):
    result = runner.invoke(args=["create-user", "ThuHa", "--role", "intake", "--unit", "Bộ phận một cửa",
                                 "--password-stdin"], input="mat-khau-123\n")
    assert result.exit_code == 0, result.output
    assert "created thuha" in result.output
    result = runner.invoke(args=["create-user", "thuha", "--role", "specialist", "--password-stdin"],
                           input="mat-khau-456\n")
    assert "updated thuha" in result.output
    user = User.get(User.username == "thuha")
    assert user.role == "specialist"
    assert accounts.authenticate("thuha", "mat-khau-456")[0] is not None
    assert accounts.authenticate("thuha", "mat-khau-123")[0] is None


def test_create_user_rejects_bad_input(runner, ctx):
    assert runner.invoke(args=["create-user", "xa", "--role", "king", "--password-stdin"],
                         input="abcdefgh-12\n").exit_code != 0
    result = runner.invoke(args=["create-user", "xa", "--role", "intake", "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "ít nhất 10 ký tự" in result.output
    result = runner.invoke(args=["create-user", "x", "--role", "intake", "--password-stdin"], input="abcdefgh-12\n")
    assert result.exit_code != 0 and "Tên đăng nhập gồm 2 đến 40 ký tự" in result.output
    assert not User.select().where(User.username.in_(["x", "xa"])).exists()


def test_create_token_prints_token_last(runner, ctx):
    result = runner.invoke(args=["create-token", "portal"])
    token = result.output.strip().splitlines()[-1]
    assert accounts.token_for(token).name == "portal"
    again = runner.invoke(args=["create-token", "portal"]).output.strip().splitlines()[-1]
    assert again != token and accounts.token_for(token) is None  # replaced
    assert ApiToken.select().count() == 1


def test_demo_data_only_on_an_empty_database(runner, ctx):
    # the fixture already made users: demo data must not touch this database
    result = runner.invoke(args=["demo-data"])
    assert "already has users" in result.output
    assert Dossier.select().count() == 0


def test_demo_data_on_a_fresh_database(tmp_path):
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}",
                      "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "x"})
    cli = app.test_cli_runner()
    assert cli.invoke(args=["init-db"]).exit_code == 0
    result = cli.invoke(args=["demo-data"])
    assert result.exit_code == 0 and "motcua / demo-12345 / intake" in result.output
    with app.app_context():
        assert Dossier.select().count() == 3
    assert "already has users" in cli.invoke(args=["demo-data"]).output
