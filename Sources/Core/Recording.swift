/// The one check for everything a person records from a screen or a command: the role's
/// permission and the domain's rules, run again under the log's lock before the event is written.
extension MarketState {
    /// Every typed text field is then held to its limits (TextLimits.swift).
    public func validate(_ body: EventBody, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        try validateRules(body, by: user, today: today)
        try TextLimits.check(body)
    }

    private func validateRules(_ body: EventBody, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        switch body {
        case .inspectionRecorded(let inspection):
            try validate(inspection, by: user, today: today)
        case .contributionRecorded(let entry):
            try validate(entry, by: user, today: today)
        case .contributionApproved(let approval):
            try validateApproval(of: approval.target, by: user)
        case .complaintStep(let step):
            try validate(step, by: user)
        case .complaintDeductionConfirmed(let deduction):
            try validate(deduction, by: user)
        case .complaintLinked(let link):
            if user.role == .kiosk {
                throw LocalizedMessage(zh: "服务台不能处理投诉，只能登记和查询", en: "kiosk staff file and look up complaints; they do not handle them")
            }
            try validate(link)
        case .appealFiled(let appeal):
            if let shop = merchant(shopNumber: appeal.shop) { try Action.actForShop(branch: shop.branch).check(user.role) }
            if appeal.date > today {
                throw LocalizedMessage(zh: "日期 \(appeal.date) 晚于今天（\(today)）", en: "the date \(appeal.date) is after today (\(today))")
            }
            try validate(appeal)
        case .appealDecided(let decision):
            try validateDecision(decision, by: user)
        case .replyPublished(let reply):
            try validate(reply, by: user)
        default:
            throw LocalizedMessage(zh: "这类记录（\(body.type)）不能在这里登记", en: "records of type \(body.type) cannot be made here")
        }
    }

    /// A shop's reply to its rating: by a manager or the shop's own secretary, 1–500 characters.
    public func validate(_ reply: ReplyPublished, by user: User) throws(LocalizedMessage) {
        guard let shop = merchant(shopNumber: reply.shop) else {
            throw LocalizedMessage(zh: "没有店铺号为 \(reply.shop) 的商户", en: "there is no shop \(reply.shop)")
        }
        try Action.actForShop(branch: shop.branch).check(user.role)
        let trimmed = reply.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            throw LocalizedMessage(zh: "回应应为 1 到 500 字", en: "a reply is 1 to 500 characters")
        }
        try TextLimits.check(reply.text, .replyText)
    }
}
