"""smtp_sink.py: a real SMTP server for the tests (Debian's python3-aiosmtpd writing a Maildir),
which can be taken down and brought back on the same port."""
import email
import email.policy
import mailbox
import socket
import subprocess
import time

import harness


class SmtpSink:
    def __init__(self):
        self.port = harness.free_port()
        self.dir = harness.make_tmpdir("ruzizi-smtp-")
        self.maildir = self.dir / "maildir"
        self.proc = None

    def start(self, timeout=15):
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}", "-c",
             "aiosmtpd.handlers.Mailbox", str(self.maildir)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the SMTP sink did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def messages(self):
        """Every message received so far, parsed (email.message.EmailMessage)."""
        if not self.maildir.exists():
            return []
        box = mailbox.Maildir(str(self.maildir), factory=None, create=False)
        return [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)
                for k in box.keys()]

    def wait_for(self, predicate, timeout=30, count=1):
        """Waits until `count` messages satisfy predicate; returns them."""
        deadline = time.time() + timeout
        while True:
            found = [m for m in self.messages() if predicate(m)]
            if len(found) >= count or time.time() > deadline:
                return found
            time.sleep(0.3)

    def config(self):
        return (f"RuziziSmtpUrl smtp://127.0.0.1:{self.port}\n"
                "RuziziMailFrom no-reply@ruzizi.test\n")
