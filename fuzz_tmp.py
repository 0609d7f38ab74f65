import sys, threading, time, shutil
from pathlib import Path
from datetime import UTC, datetime
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from hypothesis import given, settings, HealthCheck, Phase
from werkzeug.serving import make_server
from flask_migrate import upgrade
from depot import create_app
from depot.config import TestConfig
from depot.models import db
from depot.services import users

shutil.rmtree("/tmp/fz", ignore_errors=True); Path("/tmp/fz").mkdir()
url = "sqlite:////tmp/fz/db.sqlite3"
app = create_app(TestConfig(url, Path("/tmp/fz/inst")))
with app.app_context():
    upgrade()
    _, token = users.create_user(db.session, "admin", "admin", now=datetime.now(UTC))
    from depot.services import catalog, units as unitsvc, intake, inspection, quoting, parts as partsvc
    from depot.services.units import CustomerInput
    from depot.services.settings import DepotSettings
    now = datetime.now(UTC)
    catalog.create_model(db.session, "AT-100", "Model", 12, now=now)
    unitsvc.register_unit(db.session, "SEED0001", "AT-100", None, CustomerInput("张三", "138", "a@b.cn", "上海"), now=now)
    admin = users.user_by_token(db.session, token)
    rma, _ = intake.receive_unit(db.session, "SEED0001", "broken", ["power_adapter"], actor=admin, now=now)
    inspection.record_inspection(db.session, rma.number, ["shell_damage"], "", actor=admin, now=now)
    q = quoting.create_quote(db.session, rma.number, None, tax_rate=None, policy=DepotSettings.from_config(app.config).pricing, actor=admin, now=now)
    partsvc.create_part(db.session, "PSU-1", "电源", __import__("decimal").Decimal("3.00"), now=now)
    SEED = {"number": rma.number, "quote": q.number, "serial": "SEED0001", "code": "no_power", "part_number": "PSU-1", "attachment_id": 1}
    db.session.remove()
import logging; logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = make_server("127.0.0.1", 0, app, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_port}"
schema = schemathesis.openapi.from_url(base + "/api/v1/openapi.json")
n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
total = 0; failures = []; statuses = {}; seen401 = []
t0 = time.time()
for result in schema.get_all_operations():
    op = result.ok()
    names = [p.name for p in op.path_parameters] if hasattr(op, "path_parameters") else []
    variants = [(m, None) for m in modes] + ([(m, {k: SEED[k] for k in names}) for m in modes] if names else [])
    for mode, fixed in variants:
        count = [0]
        @given(case=op.as_strategy(generation_mode=mode, path_parameters=fixed))
        @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        def run(case):
            count[0] += 1
            resp = case.call(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
            if resp.status_code == 401 and len(seen401) < 5:
                seen401.append((op.label, mode, case.as_curl_command(headers={"Authorization": f"Bearer {token}"}), resp.text[:200]))
            if resp.status_code >= 500:
                failures.append((op.label, mode, resp.status_code, case.as_curl_command(), resp.text[:300]))
        try:
            run()
        except Exception as exc:
            failures.append((op.label, mode, "EXC", repr(exc)[:500], ""))
        total += count[0]
    print(op.label, round(time.time()-t0,1), total, flush=True)
print("cases", total, "time", time.time() - t0)
for f in failures[:40]:
    print(f)
print("failures", len(failures)); print(statuses); print(*seen401, sep="\n")
