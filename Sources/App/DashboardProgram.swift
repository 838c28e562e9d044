import Core
import Terminal

/// What the dashboard needs from the world outside `update`: carrying out effects and noticing
/// that the log grew. The CLI provides the real one; tests provide their own.
public protocol DashboardEnvironment: AnyObject {
    /// Carries out an effect other than quitting; returns the message it produced, if any.
    func perform(_ effect: DashboardEffect) -> DashboardMessage?
    /// Called when the log watcher woke the loop, or no key came within a tick: a message if
    /// other processes appended events.
    func poll() -> DashboardMessage?
    /// Whether work is going on in the background whose end `poll` reports (the start-up chain
    /// check): the loop then polls every 200 ms instead of every tick.
    var working: Bool { get }
}

extension DashboardEnvironment {
    public var working: Bool { false }
}

/// The dashboard's loop (ProgramLoop: effects run off the loop, which keeps drawing).
public enum DashboardProgram {
    public static func run(backend: any TerminalBackend, model: inout DashboardModel, environment: any DashboardEnvironment,
                           tickMilliseconds: Int = 400) {
        let loop = ProgramLoop<DashboardModel, DashboardMessage, DashboardEffect>(
            backend: backend,
            update: { Dashboard.update(&$0, $1) },
            view: Dashboard.view,
            keys: { $0.map(DashboardMessage.key) },
            resized: DashboardMessage.resized,
            tick: { environment.poll().map { [$0] } ?? [] },
            perform: { environment.perform($0) },
            ends: { $0 == .quit },
            // While an export runs, the next slice is taken as soon as no key is waiting; while
            // the start-up check runs, its end is looked for every 200 ms.
            wait: { $0.exportProgress != nil ? 0 : (environment.working ? min(200, tickMilliseconds) : tickMilliseconds) },
            busy: { $0.busy = $1 })
        loop.run(&model)
    }
}
