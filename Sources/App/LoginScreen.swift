import Core
import Terminal

/// The login form: user name and PIN (shown as dots), with the reason of the last failure.
public struct LoginForm: Sendable, Equatable {
    public var name = TextFieldState(limit: 32)
    public var pin = TextFieldState(limit: 8)
    /// 0 = user name, 1 = PIN.
    public var focus = 0
    public var message: String?

    public init() {}
}

enum LoginScreen {
    /// The login's keys (its table in Dashboard.swift).
    static func perform(_ action: DashboardAction, key: Key?, _ model: inout DashboardModel) -> [DashboardEffect] {
        switch action {
        case .nextField:
            model.login.focus = 1 - model.login.focus
        case .confirm:
            if model.login.focus == 0 {
                model.login.focus = 1
            } else {
                let name = model.login.name.text.trimmingCharacters(in: .whitespaces)
                if name.isEmpty {
                    model.login.message = model.t("请输入用户名", "enter your user name")
                    model.login.focus = 0
                    return []
                }
                return [.authenticate(user: name, pin: model.login.pin.text)]
            }
        case .back:
            model.login = LoginForm()
        case .type:
            guard let key else { break }
            if model.login.focus == 0 {
                model.login.name.handle(key)
            } else if case .character(let c) = key, !c.isNumber {
                model.login.message = model.t("PIN 只含数字", "a PIN is digits only")
            } else {
                model.login.pin.handle(key)
            }
        default: break
        }
        return []
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        Dashboard.drawTitle(model, right: model.t("登录", "log in"), into: &grid)
        let width = min(model.size.width - 4, 56)
        let rect = Rect(x: (model.size.width - width) / 2, y: 4, width: width, height: 11)
        grid.box(rect, title: model.t("登录", "Log in"), style: Style(bold: true))
        let x = rect.x + 3
        grid.put(model.t("用户名：", "User: "), x: x, y: rect.y + 2)
        grid.put(model.t("PIN：", "PIN:  "), x: x, y: rect.y + 4)
        let fieldX = x + 10
        let fieldWidth = width - 16
        let nameCursor = model.login.name.render(into: &grid, x: fieldX, y: rect.y + 2, width: fieldWidth,
                                                  style: model.login.focus == 0 ? Style(reverse: true) : Style(underline: true))
        let dots = TextFieldState(text: String(repeating: "●", count: model.login.pin.text.count), limit: 8)
        let pinCursor = dots.render(into: &grid, x: fieldX, y: rect.y + 4, width: fieldWidth,
                                    style: model.login.focus == 1 ? Style(reverse: true) : Style(underline: true))
        if let message = model.login.message {
            // Two lines: a refusal names the remaining tries or the time sign-in reopens.
            for (i, line) in TextLayout.wrap(message, width: width - 6).prefix(2).enumerated() {
                grid.put(line, x: x, y: rect.y + 6 + i, maxWidth: width - 6, style: model.theme.warning)
            }
        }
        grid.put(Dashboard.footer(.screen(.login), model.language), x: x, y: rect.y + 8, maxWidth: width - 6, style: Style(dim: true))
        grid.cursor = model.login.focus == 0 ? nameCursor : pinCursor
    }
}
