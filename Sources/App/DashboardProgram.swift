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

/// The main loop: draw, wait for a key or a tick, update, carry out effects.
public enum DashboardProgram {
    public static func run(backend: any TerminalBackend, model: inout DashboardModel, environment: any DashboardEnvironment,
                           tickMilliseconds: Int = 400) {
        while true {
            backend.draw(Dashboard.view(model))
            // While an export runs, the next slice is taken as soon as no key is waiting.
            let timeout = model.exportProgress != nil ? 0 : (environment.working ? min(200, tickMilliseconds) : tickMilliseconds)
            switch backend.nextInput(timeoutMilliseconds: timeout) {
            case .closed:
                return
            case .timeout, .wake:
                if let message = environment.poll() { _ = Dashboard.update(&model, message) }
            case .key(.resize):
                _ = Dashboard.update(&model, .resized(backend.size))
            case .key(let key):
                for effect in Dashboard.update(&model, .key(key)) {
                    if effect == .quit { return }
                    if let message = environment.perform(effect) { _ = Dashboard.update(&model, message) }
                }
            }
        }
    }
}
