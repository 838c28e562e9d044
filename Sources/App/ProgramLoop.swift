import Dispatch
import Foundation
import Terminal

/// The one loop of the dashboard and the kiosk: draw, wait for keys or a tick, update, carry out
/// the effects. An effect runs on a thread of its own while the loop keeps drawing (a PIN check
/// may wait seconds under the sign-in throttle; the audit tab reads the whole log): after
/// `ProgramLoop.busyAfter` the screen is redrawn with the busy mark every `busyAfter`, and the
/// keys typed meanwhile wait in the terminal and are taken, in order, once the effect's answer is in.
struct ProgramLoop<Model, Message, Effect> {
    let backend: any TerminalBackend
    /// The model's update and view.
    var update: (inout Model, Message) -> [Effect]
    var view: (Model) -> Grid
    /// The messages for keys read together without waiting (the kiosk tells a paste by them).
    var keys: ([Key]) -> [Message]
    var resized: (Size) -> Message
    /// The messages of a tick (no key within the wait): what the environment noticed, then the
    /// program's own (the kiosk's idle timer).
    var tick: () -> [Message]
    /// Carries out an effect; its answer, if any. Runs on the effect's own thread.
    var perform: (Effect) -> Message?
    /// Whether an effect ends the program (the dashboard's quit).
    var ends: (Effect) -> Bool = { _ in false }
    /// How long to wait for a key, in milliseconds.
    var wait: (Model) -> Int
    /// Sets or clears the model's busy mark (the number of redraws so far while busy; nil: not busy).
    var busy: (inout Model, Int?) -> Void = { _, _ in }
    /// The most keys read together; 1 reads each key alone.
    var burst = 1
    /// Keys read without waiting within this many seconds of each other belong together.
    var together = 0.0
    var now: () -> Double = { 0 }
    /// Whether the frame is drawn before each effect runs (the kiosk's "submitting").
    var drawsBeforeEffects = false

    /// How long an effect runs before the busy mark is shown, and how often it is redrawn.
    static var busyAfter: Int { 150 }

    func run(_ model: inout Model) {
        // What was read while gathering keys that came together, and did not belong with them.
        var next: InputEvent?
        while true {
            backend.draw(view(model))
            let input = next ?? backend.nextInput(timeoutMilliseconds: wait(model))
            next = nil
            var messages: [Message]
            switch input {
            case .closed:
                return
            case .timeout, .wake:
                messages = tick()
            case .key(.resize):
                messages = [resized(backend.size)]
            case .key(let key):
                var gathered = [key]
                var last = now()
                while gathered.count < burst {
                    let more = backend.nextInput(timeoutMilliseconds: 0)
                    guard case .key(let following) = more, following != .resize, now() - last < together else {
                        if more != .timeout { next = more }
                        break
                    }
                    gathered.append(following)
                    last = now()
                }
                messages = keys(gathered)
            }
            for message in messages {
                for effect in update(&model, message) {
                    if ends(effect) { return }
                    if drawsBeforeEffects { backend.draw(view(model)) }
                    let answer = offLoop(effect, &model)
                    if let answer { _ = update(&model, answer) }
                }
            }
        }
    }

    /// Runs the effect on its own thread; meanwhile redraws the screen with the busy mark.
    private func offLoop(_ effect: Effect, _ model: inout Model) -> Message? {
        // The loop only draws while the effect runs: the environment is used by one thread at a
        // time, and the semaphore orders the two (the handoff box is why this is safe to send).
        let handoff = EffectHandoff { perform(effect) }
        let thread = Thread { handoff.run() }
        thread.start()
        var redraws = 0
        while handoff.done.wait(timeout: .now() + .milliseconds(Self.busyAfter)) == .timedOut {
            redraws += 1
            busy(&model, redraws)
            backend.draw(view(model))
        }
        if redraws > 0 { busy(&model, nil) }
        return handoff.answer
    }
}

/// An effect's work handed to its thread and its answer handed back. Only one thread touches it at
/// a time: the worker until it signals `done`, the loop after (`ProgramLoop.offLoop` waits on
/// `done` before it reads `answer`), so it may cross threads though its closure is not Sendable.
private final class EffectHandoff<Message>: @unchecked Sendable {
    private var work: (() -> Message?)?
    private(set) var answer: Message?
    let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping () -> Message?) { self.work = work }

    func run() {
        answer = work?()
        work = nil
        done.signal()
    }
}
