/// A fictional 2028 in the format of seeds/calendar.csv (not the State Council's: it is not
/// published yet): New Year, and National Day with Mid-Autumn from Sunday 1 to Saturday 7
/// October, with Saturday 30 September and Sunday 8 October worked. Shared by the calendar's
/// Core tests and its command-line tests.
public let fictionalCalendar2028 = """
    日期,类型,名称,依据
    2028-01-01,休,元旦,测试用虚构安排
    2028-09-30,班,国庆节调休上班,测试用虚构安排
    2028-10-01,休,国庆节、中秋节,测试用虚构安排
    2028-10-02,休,国庆节、中秋节,测试用虚构安排
    2028-10-03,休,国庆节、中秋节,测试用虚构安排
    2028-10-04,休,国庆节、中秋节,测试用虚构安排
    2028-10-05,休,国庆节、中秋节,测试用虚构安排
    2028-10-06,休,国庆节、中秋节,测试用虚构安排
    2028-10-07,休,国庆节、中秋节,测试用虚构安排
    2028-10-08,班,国庆节调休上班,测试用虚构安排

    """
