import Core
import Foundation
import Storage

extension SignIn {
    /// Asks for the PIN of `name` (`$CHENGXIN_PIN`, else the terminal) and checks it (`SignIn.check`):
    /// a name suspended already is told so before a PIN is asked for (the check under the lock decides).
    static func prompted(_ store: Store, name: String, common: CommonOptions, via: SignInChannel, consequence: (zh: String, en: String),
                         afterReading: () -> Void = {}) throws(CLIProblem) -> User {
        if let refusal = suspended(store, name: name, consequence: consequence) {
            throw CLIProblem(text: refusal.text(common.lang))
        }
        let shown = store.market.users[name]?.displayName ?? name
        let pin = try PINInput.read(prompt: common.t("\(shown) 的 PIN：", "PIN for \(shown): "), common: common)
        afterReading()
        do throws(LocalizedMessage) {
            return try check(store, name: name, pin: pin, via: via, command: via == .cli ? commandName : nil, consequence: consequence)
        } catch {
            throw CLIProblem(text: error.text(common.lang))
        }
    }

    /// The command being run, as `auth.failed` and `data.disclosed` name it (`inspection record`):
    /// the words before the first option, at most two.
    static var commandName: String {
        let words = CommandLine.arguments.dropFirst().prefix { !$0.hasPrefix("-") }.prefix(2)
        return String(words.joined(separator: " ").prefix(64))
    }
}
