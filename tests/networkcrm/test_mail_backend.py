from django.core import mail
from django.core.mail import send_mail


def test_it_writes_each_message_to_a_file_and_echoes_it(settings, tmp_path, capsys):
    settings.EMAIL_BACKEND = "networkcrm.mail.FileAndConsoleBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    send_mail("Hello", "The body text.", None, ["alice@example.com"])
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    assert "The body text." in files[0].read_text()
    out = capsys.readouterr().out
    assert "e-mail to alice@example.com: Hello" in out
    assert "The body text." in out
    assert mail.outbox == []
