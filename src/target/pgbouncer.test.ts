import { describe, expect, it } from 'vitest';
import { descriptorsNeeded, findPgbouncer, pgbouncerIni } from './pgbouncer.js';

describe('pgbouncer ini', () => {
  const opts = { dir: '/d', port: 6432, server: { port: 5432, database: 'authbench' }, user: { name: 'authbench_app', password: 'p"w' }, poolSize: 40, maxClients: 800 };
  it('is transaction pooling with SCRAM from the auth file, the pool size and client limit asked for, and no Unix socket', () => {
    const ini = pgbouncerIni(opts, { authFile: '/d/userlist.txt', logFile: '/d/pgbouncer.log', pidFile: '/d/pgbouncer.pid' });
    for (const line of ['authbench = host=127.0.0.1 port=5432 dbname=authbench', 'pool_mode = transaction', 'auth_type = scram-sha-256', 'auth_file = /d/userlist.txt', 'default_pool_size = 40', 'max_client_conn = 800', 'unix_socket_dir =', 'stats_users = authbench_app', 'listen_port = 6432']) {
      expect(ini.split('\n')).toContain(line);
    }
    expect(ini).not.toContain('p"w'); // the password lives in the auth file only
    expect(ini).not.toContain('tls');
  });

  it('with certificates, requires TLS from clients and verifies PostgreSQL', () => {
    const ini = pgbouncerIni(opts, { authFile: 'a', logFile: 'l', pidFile: 'p', tls: { caFile: '/d/ca.pem', certFile: '/d/server.crt', keyFile: '/d/server.key' } });
    expect(ini.split('\n')).toEqual(expect.arrayContaining(['client_tls_sslmode = require', 'client_tls_key_file = /d/server.key', 'server_tls_sslmode = verify-full', 'server_tls_ca_file = /d/ca.pem']));
  });

  it('is looked up on PATH only, and needs a descriptor per client and server connection', () => {
    expect(findPgbouncer('/nonexistent')).toBeUndefined();
    expect(descriptorsNeeded({ maxClients: 800, poolSize: 40 })).toBeGreaterThan(840);
  });
});
