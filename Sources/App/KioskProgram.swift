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

/// The kiosk's loop (ProgramLoop). Unlike the dashboard's there is no way out: it returns only
/// when the input ends (a test's keys run out); every tick checks the idle timer. Keys read
/// together without waiting are gathered, so that a paste is told from typing (KioskPaste).
public enum KioskProgram {
    public static func run(backend: any TerminalBackend, model: inout KioskModel, environment: any KioskEnvironment,
                           tickMilliseconds: Int = 1000) {
        _ = Kiosk.update(&model, .key(.resize), now: environment.now())
        let loop = ProgramLoop<KioskModel, KioskMessage, KioskEffect>(
            backend: backend,
            update: { Kiosk.update(&$0, $1, now: environment.now()) },
            view: Kiosk.view,
            keys: KioskPaste.messages,
            resized: KioskMessage.resized,
            tick: { (environment.poll().map { [$0] } ?? []) + [.tick] },
            perform: { environment.perform($0) },
            wait: { _ in tickMilliseconds },
            burst: KioskPaste.limit,
            together: KioskPaste.together,
            now: environment.now,
            // "Submitting…" is shown while the log is written.
            drawsBeforeEffects: true)
        loop.run(&model)
    }
}
