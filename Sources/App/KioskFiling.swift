import Core
import Terminal

/// The filing steps: Enter goes on (after the step's check), Esc goes back one step (from the
/// first step, home, forgetting the draft). The keys are KioskKeys' tables.
enum KioskFiling {
    static func perform(_ action: KioskAction, key: Key, step: KioskStep, _ model: inout KioskModel) -> [KioskEffect] {
        if action == .back {
            if model.editingFromReview {
                model.editingFromReview = false
                model.screen = .file(.review)
            } else if let previous = KioskStep(rawValue: step.rawValue - 1) {
                model.screen = .file(previous)
            } else {
                model.resetToHome()
            }
            return []
        }
        switch step {
        case .shop: shop(action, key: key, &model)
        case .problem: problem(action, key: key, &model)
        case .story: story(action, key: key, &model)
        case .amount: amount(action, key: key, &model)
        case .wants: wants(action, key: key, &model)
        case .contact: contact(action, key: key, &model)
        case .review: return review(action, key: key, &model)
        }
        return []
    }

    static func advance(from step: KioskStep, _ model: inout KioskModel) {
        if model.editingFromReview {
            model.editingFromReview = false
            model.screen = .file(.review)
        } else if let next = KioskStep(rawValue: step.rawValue + 1) {
            model.screen = .file(next)
        }
    }

    /// The entries of the shop step: "don't know" first, then the matching shops.
    static func shopChoices(_ model: KioskModel) -> [Merchant?] {
        [nil] + model.matchingShops(model.draft.shopQuery.text)
    }

    static func visibleRows(_ model: KioskModel) -> Int { max(1, KioskLayout.filing(model.size).list.height) }

    static func shop(_ action: KioskAction, key: Key, _ model: inout KioskModel) {
        let choices = shopChoices(model)
        let rows = visibleRows(model)
        switch action {
        case .moveDown: model.draft.shopPosition.move(by: 1, count: choices.count, visibleRows: rows)
        case .moveUp: model.draft.shopPosition.move(by: -1, count: choices.count, visibleRows: rows)
        case .pageDown: model.draft.shopPosition.move(by: rows, count: choices.count, visibleRows: rows)
        case .pageUp: model.draft.shopPosition.move(by: -rows, count: choices.count, visibleRows: rows)
        case .confirm:
            let i = min(model.draft.shopPosition.selected, choices.count - 1)
            model.draft.shop = .some(choices[i]?.shopNumber)
            advance(from: .shop, &model)
        case .type:
            let before = model.draft.shopQuery.text
            model.draft.shopQuery.handle(key)
            shopQueryEdited(from: before, &model)
        default: break
        }
    }

    /// Typing narrows the list; the first matching shop (not "don't know") is highlighted.
    static func shopQueryEdited(from before: String, _ model: inout KioskModel) {
        guard model.draft.shopQuery.text != before else { return }
        let count = shopChoices(model).count
        model.draft.shopPosition = ListPosition()
        model.draft.shopPosition.moveTo(model.draft.shopQuery.text.isEmpty || count < 2 ? 0 : 1, count: count, visibleRows: visibleRows(model))
    }

    static func problem(_ action: KioskAction, key: Key, _ model: inout KioskModel) {
        let count = KioskProblem.all.count
        switch action {
        case .moveDown: model.draft.problemSelected = min(count - 1, model.draft.problemSelected + 1)
        case .moveUp: model.draft.problemSelected = max(0, model.draft.problemSelected - 1)
        case .choose:
            if let n = KioskKeys.digit(key), (1...count).contains(n) { model.draft.problemSelected = n - 1 }
        case .confirm:
            model.draft.problem = model.draft.problemSelected
            advance(from: .problem, &model)
        default: break
        }
    }

    /// The story is one paragraph: Enter goes on (a line break is not needed at the desk).
    static func story(_ action: KioskAction, key: Key, _ model: inout KioskModel) {
        switch action {
        case .confirm:
            if model.draft.story.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                model.notice = model.t("请写明发生了什么（不能为空）", "say what happened (it cannot be empty)")
                return
            }
            advance(from: .story, &model)
        case .type:
            model.draft.story.handle(key, width: storyWidth(model))
            if model.draft.story.truncated { model.notice = model.t("已达 2000 字上限", "the 2000-character limit is reached") }
        default: break
        }
    }

    static func storyWidth(_ model: KioskModel) -> Int { max(10, min(model.size.width, 100) - 8) }

    static func amount(_ action: KioskAction, key: Key, _ model: inout KioskModel) {
        switch action {
        case .confirm:
            let text = model.draft.amount.text.trimmingCharacters(in: .whitespaces)
            if !text.isEmpty {
                guard let fen = Money.fen(fromYuan: text) else {
                    model.notice = model.t("“\(text)”不是金额，请只输入数字，例如 680 或 680.50", "\"\(text)\" is not an amount; type digits only, e.g. 680 or 680.50")
                    return
                }
                if fen > 100_000_000 {
                    model.notice = model.t("涉及金额应在 100 万元以内", "the amount must be at most 1,000,000 yuan")
                    return
                }
            }
            advance(from: .amount, &model)
        case .type:
            if case .character(let c) = key, !(c.isASCII && (c.isNumber || c == ".")) {
                model.notice = model.t("金额只能输入数字和小数点；不清楚可以留空", "digits and a decimal point only; leave it empty if unknown")
                return
            }
            model.draft.amount.handle(key)
        default: break
        }
    }

    static func wants(_ action: KioskAction, key: Key, _ model: inout KioskModel) {
        let count = kioskWants.count
        switch action {
        case .moveDown: model.draft.wantsSelected = min(count - 1, model.draft.wantsSelected + 1)
        case .moveUp: model.draft.wantsSelected = max(0, model.draft.wantsSelected - 1)
        case .toggle:
            toggle(kioskWants[model.draft.wantsSelected], &model)
        case .choose:
            if let n = KioskKeys.digit(key), (1...count).contains(n) {
                model.draft.wantsSelected = n - 1
                toggle(kioskWants[n - 1], &model)
            }
        case .confirm:
            advance(from: .wants, &model)
        default: break
        }
    }

    static func toggle(_ want: String, _ model: inout KioskModel) {
        if model.draft.wants.contains(want) { model.draft.wants.remove(want) } else { model.draft.wants.insert(want) }
    }

    static func contact(_ action: KioskAction, key: Key, _ model: inout KioskModel) {
        switch action {
        case .nextField:
            model.draft.contactFocus = (model.draft.contactFocus + 1) % 3
        case .previousField:
            model.draft.contactFocus = (model.draft.contactFocus + 2) % 3
        case .confirm:
            // Enter on the name goes to the phone; on the phone or the consent, on to the review
            // (a phone number left is consent enough unless the consumer said no).
            if model.draft.contactFocus == 0 {
                model.draft.contactFocus = 1
                return
            }
            if let problem = contactProblem(model) {
                model.notice = problem.message
                model.draft.contactFocus = problem.field
                return
            }
            advance(from: .contact, &model)
        case .consentYes: model.draft.consent = true
        case .consentNo: model.draft.consent = false
        case .toggle: model.draft.consent = !model.draft.consents
        case .type where model.draft.contactFocus == 0:
            model.draft.name.handle(key)
        case .type where model.draft.contactFocus == 1:
            // Full-width digits from an IME (１３８) are taken as the digits they are.
            var typed = key
            if case .character(let c) = key { typed = .character(TypedCode.fold(c)) }
            if case .character(let c) = typed, !(c.isASCII && (c.isNumber || c == "-" || c == " ")) {
                model.notice = model.t("电话只能输入数字和短横线", "digits and a dash only in a phone number")
                return
            }
            model.draft.phone.handle(typed)
        default: break
        }
    }

    static func contactProblem(_ model: KioskModel) -> (message: String, field: Int)? {
        let phone = model.draft.phone.text.trimmingCharacters(in: .whitespaces)
        if !phone.isEmpty {
            if !PersonalData.isPlausiblePhone(phone) {
                return (model.t("电话号码“\(phone)”格式不对（手机 11 位，座机带区号）", "\"\(phone)\" is not a phone number (11-digit mobile, or a landline with area code)"), 1)
            }
            if !model.draft.consents {
                return (model.t("消费者不同意被联系，就不能留电话：请删去电话，或按 y 改为同意", "without consent to be contacted no phone number is kept: delete it, or press y to consent"), 2)
            }
        }
        return nil
    }

    /// The complaint as it will be recorded. Text is kept exactly as typed (sanitised only when drawn).
    static func submission(_ model: KioskModel) -> KioskSubmission? {
        guard let shop = model.draft.shop, let problemIndex = model.draft.problem else { return nil }
        let problem = KioskProblem.all[problemIndex]
        let name = model.draft.name.text
        let phone = model.draft.phone.text.trimmingCharacters(in: .whitespaces)
        let amount = model.draft.amount.text.trimmingCharacters(in: .whitespaces)
        return KioskSubmission(
            shop: shop, category: problem.category, integrity: problem.integrity, text: model.draft.story.text,
            amountFen: amount.isEmpty ? nil : Money.fen(fromYuan: amount), wants: kioskWants.filter(model.draft.wants.contains),
            consumerName: name.trimmingCharacters(in: .whitespaces).isEmpty ? nil : name,
            consumerPhone: phone.isEmpty ? nil : phone, consentToContact: model.draft.consents)
    }

    static func review(_ action: KioskAction, key: Key, _ model: inout KioskModel) -> [KioskEffect] {
        switch action {
        case .choose:
            if let n = KioskKeys.digit(key), let step = KioskStep(rawValue: n), step != .review {
                model.editingFromReview = true
                model.screen = .file(step)
            }
            return []
        case .confirm:
            guard let submission = submission(model) else {
                model.notice = model.t("还有步骤没有完成", "a step is not finished")
                return []
            }
            // The same checks the log will make, before anything is sent.
            if let market = model.market {
                do throws(LocalizedMessage) {
                    try market.validate(submission.filed(receipt: "", date: model.today), today: model.today)
                } catch {
                    model.notice = error.text(model.language)
                    return []
                }
            }
            model.submitting = true
            return [.submit(submission)]
        default:
            return []
        }
    }
}
