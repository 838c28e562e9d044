import Core
import Terminal

/// The kiosk's link to the world: records complaints, reports other processes' appends, tells the time.
public protocol KioskEnvironment: AnyObject {
    /// Carries out an effect; returns the message it produced.
    func perform(_ effect: KioskEffect) -> KioskMessage
    /// Called on every tick and when the log watcher wakes the loop: a message when the market
    /// (or the date) changed.
    func poll() -> KioskMessage?
    /// A monotonic clock, in seconds (for the idle reset and the look-up lock).
    func now() -> Double
}

/// The kiosk's loop: draw, wait for a key or a tick, update, carry out effects. Unlike the
/// dashboard's loop there is no way out: it returns only when the input ends (a test's keys run
/// out); every tick checks the idle timer.
public enum KioskProgram {
    public static func run(backend: any TerminalBackend, model: inout KioskModel, environment: any KioskEnvironment,
                           tickMilliseconds: Int = 1000) {
        _ = Kiosk.update(&model, .key(.resize), now: environment.now())
        // What was read while gathering keys that came together, and did not belong with them.
        var next: InputEvent?
        while true {
            backend.draw(Kiosk.view(model))
            let input = next ?? backend.nextInput(timeoutMilliseconds: tickMilliseconds)
            next = nil
            switch input {
            case .closed:
                return
            case .timeout, .wake:
                if let message = environment.poll() { _ = Kiosk.update(&model, message, now: environment.now()) }
                _ = Kiosk.update(&model, .tick, now: environment.now())
            case .key(.resize):
                _ = Kiosk.update(&model, .resized(backend.size), now: environment.now())
            case .key(let key):
                // The keys already waiting, read without drawing in between: typed faster than
                // anyone types, they may be a paste (KioskPaste).
                var burst = [key]
                var last = environment.now()
                while burst.count < KioskPaste.limit {
                    let more = backend.nextInput(timeoutMilliseconds: 0)
                    guard case .key(let following) = more, following != .resize else {
                        if more != .timeout { next = more }
                        break
                    }
                    let now = environment.now()
                    guard now - last < KioskPaste.together else {
                        next = more
                        break
                    }
                    burst.append(following)
                    last = now
                }
                for message in KioskPaste.messages(burst) {
                    for effect in Kiosk.update(&model, message, now: environment.now()) {
                        // Show "submitting" while the log is written.
                        backend.draw(Kiosk.view(model))
                        _ = Kiosk.update(&model, environment.perform(effect), now: environment.now())
                    }
                }
            }
        }
    }
}
