package decide

import "testing"

func TestReadAssignment(t *testing.T) {
	tests := []struct {
		text                       string
		hasValue, update, fromCall bool
	}{
		{"var encoding;", false, false, false},
		{"let a, b;", false, false, false},
		{"let t: Array<number>;", false, false, false},
		{"let f: (a: number) => void;", false, false, false},
		{"let total = 0;", true, false, false},
		{"const res = compute(items);", true, false, true},
		{"total += v;", true, true, false},
		{"x <<= 1", true, true, false},
		{"x >>>= 1", true, true, false},
		{"x ??= load()", true, true, true},
		{"a = b <= c", true, false, false},
		{"flag = a == b", true, false, false},
		{"const f = (x) => g(x);", true, false, false},
		{"const h = x => g(x);", true, false, false},
		{"const k = async (x) => { await g(x); };", true, false, false},
		{"key = lambda item: item.name()", true, false, false},
		{"data = await fetch(url)", true, false, true},
		{"obj = new Map()", true, false, true},
		{"x = y if cond else z", true, false, false},
		{"r = handlers[0](event)", true, false, true},
		{"n: int = len(items)", true, false, true},
		{"const {a = 1, b} = opts;", true, false, false},
	}
	for _, tt := range tests {
		a := readAssignment(tt.text)
		if a.hasValue != tt.hasValue || a.update != tt.update || a.fromCall != tt.fromCall {
			t.Errorf("readAssignment(%q) = %+v, want value %v, update %v, call %v", tt.text, a, tt.hasValue, tt.update, tt.fromCall)
		}
	}
}

func TestSensitiveValue(t *testing.T) {
	secret := []string{
		`value = click.prompt("Password", hide_input=True)`,
		`typed = getpass.getpass()`,
		`snapshot = dict(os.environ)`,
		`home = os.getenv("HOME")`,
		`conf := os.Getenv("APP_CONF")`,
		`v, ok := os.LookupEnv("APP_CONF")`,
		`all := os.Environ()`,
		`cmd := os.ExpandEnv("$HOME/bin")`,
		`const home = Deno.env.get("HOME")`,
		`const t = Bun.env.API`,
		`const cfg = process.env`,
		`const {password: p} = req.body;`,
		`header = request.headers["Authorization"]`,
		`url = settings.DATABASE_URL`,
		`v = cookies.get("sid")`,
		`x = load("smtp_pass")`,
		`pem_text = read_pem(path)`,
	}
	plain := []string{
		`v = d[key]`,
		`tok = self.tokens[i]`,
		`total = compute(items)`,
		`s = inspect.signature(fn)`,
		`p = passenger_list[0]`,
		`const author = post.author`,
		`k = keyboard.read()`,
		`var encoding;`,
	}
	for _, s := range secret {
		if !sensitiveValue(s) {
			t.Errorf("sensitiveValue(%q) = false, want true", s)
		}
	}
	for _, s := range plain {
		if sensitiveValue(s) {
			t.Errorf("sensitiveValue(%q) = true, want false", s)
		}
	}
}
