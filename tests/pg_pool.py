"""Test databases on the PostgreSQL test server, used again instead of made anew.

`CREATE DATABASE ... TEMPLATE` copies every page of the migrated template and
`DROP DATABASE` throws them away again: most of what the server spent on the suite. So a
database a test is done with comes back here (`give_back`) and is made as new before the
next test takes it (`take`):

1. It is renamed, after every connection to it is ended: anything of the last test still
   holding its address (a pool, a thread) finds no database rather than the next test's.
2. Its catalogs are compared with the template's (tables, columns, keys, indexes,
   triggers, functions, types, sequences, grants, settings): a test that changed the
   schema, or anything else that a row delete does not undo, gets its database dropped,
   not used again.
3. Every row of every table is deleted (triggers and key checks off, as a restore does),
   the rows the template holds are put back (the schema revision), and each sequence is
   set back to where the template's stands.

What the next test sees is then what a copy of the template would show it. Each test
process keeps its own pool; what is left in it is dropped when the process ends.
"""

import atexit
import threading
import uuid
from collections.abc import Callable

from sqlalchemy.engine import URL, make_url

# One line per object a row delete cannot undo, from the database's own catalogs; compared
# as a whole (md5 of the sorted lines). Names only, never oids, so that a copy of the
# template matches it.
_USER_SCHEMAS = "NOT LIKE 'pg\\_%' AND {0} <> 'information_schema'"
CATALOG_LINES = f"""
SELECT concat_ws(' ', 'schema', nspname, coalesce(nspacl::text, ''))
  FROM pg_namespace WHERE nspname {_USER_SCHEMAS.format('nspname')}
UNION ALL
SELECT concat_ws(' ', 'relation', n.nspname, c.relname, c.relkind, c.relpersistence,
                 c.relrowsecurity, c.relreplident, coalesce(c.relacl::text, ''),
                 coalesce(c.reloptions::text, ''))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname {_USER_SCHEMAS.format('n.nspname')}
UNION ALL
SELECT concat_ws(' ', 'column', n.nspname, c.relname, a.attnum, a.attname,
                 format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attisdropped,
                 a.attidentity, a.attgenerated, a.attcollation, coalesce(a.attacl::text, ''),
                 coalesce(pg_get_expr(d.adbin, d.adrelid), ''))
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attnum > 0 AND n.nspname {_USER_SCHEMAS.format('n.nspname')}
UNION ALL
SELECT concat_ws(' ', 'constraint', n.nspname, coalesce(r.relname, ''), co.conname,
                 pg_get_constraintdef(co.oid))
  FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
  LEFT JOIN pg_class r ON r.oid = co.conrelid
  WHERE n.nspname {_USER_SCHEMAS.format('n.nspname')}
UNION ALL
SELECT concat_ws(' ', 'index', pg_get_indexdef(i.indexrelid))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname {_USER_SCHEMAS.format('n.nspname')}
UNION ALL
SELECT concat_ws(' ', 'trigger', pg_get_triggerdef(t.oid), t.tgenabled)
  FROM pg_trigger t WHERE NOT t.tgisinternal
UNION ALL
SELECT concat_ws(' ', 'rule', pg_get_ruledef(r.oid)) FROM pg_rewrite r
  JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname {_USER_SCHEMAS.format('n.nspname')}
UNION ALL
SELECT concat_ws(' ', 'policy', pol.polname, pol.polrelid::regclass::text, pol.polcmd,
                 coalesce(pg_get_expr(pol.polqual, pol.polrelid), ''))
  FROM pg_policy pol
UNION ALL
SELECT concat_ws(' ', 'function', n.nspname, p.proname,
                 '(' || pg_get_function_identity_arguments(p.oid) || ')', p.prokind,
                 md5(coalesce(p.prosrc, '')), coalesce(p.proconfig::text, ''), p.prosecdef,
                 coalesce(p.proacl::text, ''))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname {_USER_SCHEMAS.format('n.nspname')}
UNION ALL
SELECT concat_ws(' ', 'type', n.nspname, t.typname, t.typtype, coalesce(t.typacl::text, ''))
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname {_USER_SCHEMAS.format('n.nspname')}
UNION ALL
SELECT concat_ws(' ', 'label', e.enumtypid::regtype::text, e.enumsortorder, e.enumlabel)
  FROM pg_enum e
UNION ALL
SELECT concat_ws(' ', 'sequence', s.seqrelid::regclass::text, s.seqtypid::regtype::text,
                 s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle)
  FROM pg_sequence s
UNION ALL
SELECT concat_ws(' ', 'extension', extname, extversion) FROM pg_extension
UNION ALL
SELECT concat_ws(' ', 'default acl', defaclrole::regrole::text, defaclobjtype,
                 defaclacl::text)
  FROM pg_default_acl
UNION ALL
SELECT concat_ws(' ', 'comment', classoid::regclass::text, objoid, objsubid, description)
  FROM pg_description WHERE objoid >= 16384
UNION ALL
SELECT concat_ws(' ', 'large objects', count(*)) FROM pg_largeobject_metadata
UNION ALL
SELECT concat_ws(' ', 'database', pg_get_userbyid(datdba), datallowconn, datconnlimit,
                 coalesce(datacl::text, ''))
  FROM pg_database WHERE datname = current_database()
UNION ALL
SELECT concat_ws(' ', 'settings', coalesce(setrole::regrole::text, ''), setconfig::text)
  FROM pg_db_role_setting
  WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
"""
CATALOG_DIGEST = (f"SELECT md5(string_agg(line, E'\\n' ORDER BY line)) "
                  f"FROM ({CATALOG_LINES}) AS lines(line)")


class _Template:
    """What a copy of the template holds: its catalogs' digest, and the statements that
    bring a database with the same catalogs back to the template's rows and sequences."""

    def __init__(self, digest: str, reset_script: str) -> None:
        self.digest = digest
        self.reset_script = reset_script


def _read_template(url: URL) -> _Template:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url.render_as_string(hide_password=False).replace(
            "postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        digest = connection.execute(CATALOG_DIGEST).fetchone()[0]
        tables = [(schema, name) for schema, name in connection.execute(
            "SELECT n.nspname, c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE c.relkind IN ('r', 'p') AND n.nspname {_USER_SCHEMAS.format('n.nspname')} "
            "ORDER BY 1, 2")]
        script = ["SET session_replication_role = replica"]
        keep = []
        for schema, name in tables:
            table = sql.Identifier(schema, name)
            script.append(sql.SQL("DELETE FROM {}").format(table).as_string(connection))
            rows = connection.execute(sql.SQL("SELECT * FROM {}").format(table)).fetchall()
            for row in rows:
                keep.append(sql.SQL("INSERT INTO {} VALUES ({})").format(
                    table, sql.SQL(", ").join(sql.Literal(v) for v in row)
                ).as_string(connection))
        script += keep
        for schema, name in connection.execute(
                "SELECT n.nspname, c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' "
                "ORDER BY 1, 2"):
            sequence = sql.Identifier(schema, name)
            last, called = connection.execute(sql.SQL(
                "SELECT last_value, is_called FROM {}").format(sequence)).fetchone()
            script.append(sql.SQL("SELECT setval({}, {}, {})").format(
                sql.Literal(f'"{schema}"."{name}"'), sql.Literal(last), sql.Literal(called)
            ).as_string(connection))
        script.append("RESET session_replication_role")
    return _Template(digest, ";\n".join(script))


class Pool:
    """Migrated databases on one server, made from one template, handed out and taken
    back by one test process."""

    def __init__(self, server: URL, template: str,
                 run: Callable[..., None]) -> None:
        self.server = server.set(drivername="postgresql+psycopg")
        self.template = template
        self._run = run  # statements on the server's maintenance database
        self._lock = threading.Lock()
        self._free: list[str] = []
        self._out: set[str] = set()
        self._template: _Template | None = None
        self.made = self.reused = self.dropped = 0
        atexit.register(self.close)

    def _url(self, name: str) -> URL:
        return self.server.set(database=name)

    def take(self) -> str:
        """The URL of a migrated database holding what the template holds."""
        with self._lock:
            if self._template is None:
                self._template = _read_template(self._url(self.template))
            if self._free:
                name = self._free.pop()
                self.reused += 1
            else:
                name = f"pd_test_{uuid.uuid4().hex[:12]}"
                self._run(self.server, f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                self.made += 1
            self._out.add(name)
        return self._url(name).set(drivername="postgresql").render_as_string(
            hide_password=False)

    def owns(self, database_url: str) -> bool:
        with self._lock:
            return make_url(database_url).database in self._out

    def give_back(self, database_url: str) -> None:
        """The test is done with the database: made as new for the next, or dropped."""
        name = make_url(database_url).database
        assert name is not None
        with self._lock:
            self._out.discard(name)
            template = self._template
        assert template is not None
        fresh = f"pd_test_{uuid.uuid4().hex[:12]}"
        try:
            self._run(self.server,
                      "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                      f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
                      f'ALTER DATABASE "{name}" RENAME TO "{fresh}"')
        except Exception:
            self._drop(name)
            return
        try:
            kept = self._reset(fresh, template)
        except Exception:
            kept = False
        if not kept:
            self._drop(fresh)
            return
        with self._lock:
            self._free.append(fresh)

    def _reset(self, name: str, template: _Template) -> bool:
        import psycopg

        url = self._url(name).set(drivername="postgresql").render_as_string(
            hide_password=False)
        with psycopg.connect(url, autocommit=True) as connection:
            if connection.execute(CATALOG_DIGEST).fetchone()[0] != template.digest:
                return False
            with connection.transaction():
                connection.execute(template.reset_script)
            return True

    def _drop(self, name: str) -> None:
        self.dropped += 1
        self._run(self.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        with self._lock:
            free, self._free = self._free, []
        for name in free:
            try:
                self._drop(name)
            except Exception:  # the server may be gone already at exit
                break

