"""Secrets of every shape issue 11 lists, passed through instrumented calls
that record values (the opt-in): none of their bytes may be exported. Each
secret carries the marker SECRETBYTES or one of the known-shape strings
the test looks for."""
from _telemetry_utils import __ti_span__, __ti_loop__, __ti_tick__, __ti_var__, __ti_val__, __ti_mark__  # @telemetry-inject

SECRETS = [
    "Bearer SECRETBYTESa1b2c3",
    "Basic U0VDUkVUQllURVM6cHc=",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTRUNSRVQifQ.c2lnU0VDUkVU",
    "-----BEGIN PRIVATE KEY-----SECRETBYTES",
    "AKIAIOSFODNN7SECRETB",
    "sk-SECRETBYTESabcdef0123",
    "ghp_SECRETBYTES0123456789abcdef",
    "xoxb-SECRETBYTES-1234",
    "postgres://app:SECRETBYTES@db.internal:5432/app",
    "https://user:SECRETBYTES@example.com/x",
    "password=SECRETBYTES",
    "api_key: SECRETBYTES",
    "q8Zr3kT1mW9xLpA2vN7yB4cSECRETBYTES",
    "Authorization: Bearer SECRETBYTES",
]
VALUES = ["ok", "idle", 3, 2.5, None, True, b"raw"]


def record(value, db_pass, smtp_pass, userPass, private_pem, passwort, dsn, config):
    with __ti_span__("record", "secrets_prog.py", 26, ("value", value, "db_pass", db_pass, "smtp_pass", smtp_pass, "userPass", userPass, "private_pem", private_pem, "passwort", passwort, "dsn", dsn, "config", config), True, False, True):  # @telemetry-inject
        __ti_val__("value", value, "secrets_prog.py", 27)  # @telemetry-inject
        __ti_val__("db_pass", db_pass, "secrets_prog.py", 28)  # @telemetry-inject
        __ti_var__("userPass", userPass, "secrets_prog.py", 29)  # @telemetry-inject
        __ti_val__("config", config, "secrets_prog.py", 30)  # @telemetry-inject
        if value == SECRETS[0]:
            raise ValueError("token=" + value)
        if value == SECRETS[1]:
            raise PermissionError(13, value)
        return 1


def main():
    with __ti_span__("main", "secrets_prog.py", 38, (), True):  # @telemetry-inject
        for i, s in enumerate(SECRETS + VALUES):
            config = {"password": s, "Authorization": "Bearer " + str(s)}
            try:
                record(s, s, s, s, s, s, s, config)
            except OSError as e:
                print(i, type(e).__name__)
            except ValueError as e:
                print(i, type(e).__name__)
        print("done")


main()
