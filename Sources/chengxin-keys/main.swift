// The real terminal backend, on whatever terminal runs it, writing each key it decodes to a file,
// one a line: the pseudo-terminal tests send it the raw bytes of each terminal and read the keys
// (Tests/EndToEndTests/KeyDecodingTests.swift). Also handy by hand: `chengxin-keys /dev/stderr`
// in another terminal shows what each key press becomes. Ends at Ctrl-Q (through `shutdown()`, as
// the dashboard's q does), at SIGTERM, or when the input ends.
//
//     chengxin-keys OUTPUT [--no-mouse] [--lockdown] [--reads]
//
// `--reads` also writes "read N" for each read(2) of the keyboard, so that a test can send the
// second half of a sequence only once the first half was read on its own.
import Terminal
#if canImport(Glibc)
import Glibc
#endif

func complain(_ text: String) {
    let bytes = Array(("chengxin-keys: " + text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    complain("usage: chengxin-keys OUTPUT [--no-mouse] [--lockdown]")
    exit(64)
}
let output = open(arguments[1], O_WRONLY | O_CREAT | O_APPEND, 0o600)
guard output >= 0 else {
    complain("cannot open \(arguments[1])")
    exit(1)
}

func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
}

let backend: NcursesBackend
do {
    backend = try NcursesBackend(mouse: !arguments.contains("--no-mouse"), lockdown: arguments.contains("--lockdown"), minimum: Size(width: 1, height: 1))
} catch {
    complain(error.zh + " / " + error.en)
    exit(2)
}
if arguments.contains("--reads") {
    backend.onRead = { bytes in say("read \(bytes.count)") }
}
backend.draw(Grid(size: backend.size))
say("ready \(backend.size.width)x\(backend.size.height)")
loop: while true {
    switch backend.nextInput(timeoutMilliseconds: -1) {
    case .key(.control("q")):
        break loop
    case .key(let key):
        if key == .resize { backend.draw(Grid(size: backend.size)) }
        say(key == .resize ? "resize \(backend.size.width)x\(backend.size.height)" : key.debugDescription)
    case .closed:
        break loop
    case .timeout, .wake:
        continue
    }
}
backend.shutdown()
say("closed")
