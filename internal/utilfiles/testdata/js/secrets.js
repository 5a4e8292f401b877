/*@ti{*/const __ti = require("./_telemetry_utils.js");/*}@ti*/
// Secrets in every place a value can reach the runtime, with values
// recorded (the opt-in): parameters, variables, containers and error
// messages. None of the SECRET parts may be exported.

const secrets = {
  bearer: "Bearer SECRETbearer0123456789abcdef",
  basic: "Basic U0VDUkVUYmFzaWM6cGFzcw==",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTRUNSRVRqd3QifQ.SECRETjwtSig0123",
  pem: "-----BEGIN PRIVATE KEY-----\nSECRETpem\n-----END PRIVATE KEY-----",
  aws: "AKIASECRETAWSKEY1234",
  openai: "sk-SECRETopenai0123456789",
  github: "ghp_SECRETgithub0123456789abcdef",
  url: "https://user:SECRETurlpass@example.com/x",
  dsn: "postgres://app:SECRETdsnpass@db:5432/app",
  random: "q8ZxSECRET3vT9mK2pL7wR4nY6",
  kv: "password=SECRETkv",
};

function login(user, header, db_pass, smtp_pass, userPass, private_pem, passwort, dsn) {
  /*@ti{*/const __ti_s = __ti.enter("login", "secrets.js", 20, {user: user, header: header, db_pass: db_pass, smtp_pass: smtp_pass, userPass: userPass, private_pem: private_pem, passwort: passwort, dsn: dsn}, 1); try {/*}@ti*/
  const env = { ...process.env, API: secrets.openai };
  /*@ti{*/__ti.val("env", env, "secrets.js", 22);/*}@ti*/
  const headers = { Authorization: header, password: "SECRETinobject" };
  /*@ti{*/__ti.val("headers", headers, "secrets.js", 24);/*}@ti*/
  for (const [name, s] of Object.entries(secrets)) {
    const value = s;
    /*@ti{*/__ti.val("value", value, "secrets.js", 27);/*}@ti*/
    check(name, s);
  }
  throw new Error("login failed with " + header + " at " + secrets.url + " key " + secrets.aws);
  /*@ti{*/} catch (__ti_e) { __ti.fail(__ti_s, __ti_e); throw __ti_e; } finally { __ti.exit(__ti_s); }/*}@ti*/
}

function check(name, s) {
  /*@ti{*/const __ti_s = __ti.enter("check", "secrets.js", 35, {name: name, s: s}, 1); try {/*}@ti*/
  return s.length;
  /*@ti{*/} finally { __ti.exit(__ti_s); }/*}@ti*/
}

try {
  login("alice", secrets.bearer, "SECRETdbpass", "SECRETsmtp", "SECRETuserpass", secrets.pem, "SECRETpasswort", secrets.dsn);
} catch (e) {
  console.log("failed as expected");
}
