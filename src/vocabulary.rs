//! Closed lists of words the language accepts as property values, each in English and
//! Russian. The grammar reads them as names; the checker looks them up here, so both
//! spellings mean the same thing and a typo gets a "did you mean".

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = [$($word:literal),+]),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// Every accepted spelling; the first is the canonical English one.
            pub fn words(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($word),+]),* }
            }

            pub fn from_word(word: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.words().contains(&word))
            }

            pub fn as_str(self) -> &'static str {
                self.words()[0]
            }

            /// All spellings, for suggestions and help texts.
            pub fn all_words() -> impl Iterator<Item = &'static str> {
                Self::ALL.iter().flat_map(|v| v.words().iter().copied())
            }
        }
    };
}

vocabulary! {
    /// The level of government an agency belongs to.
    Level {
        Federal = ["federal", "федеральный"],
        Regional = ["regional", "региональный"],
        Municipal = ["municipal", "муниципальный"],
    }
}

vocabulary! {
    /// What a service produces for the applicant.
    ServiceKind {
        Payment = ["payment", "выплата"],
        Document = ["document", "документ"],
        Record = ["record", "запись"],
        Registration = ["registration", "регистрация"],
        Permit = ["permit", "разрешение"],
        Notice = ["notice", "уведомление"],
    }
}

vocabulary! {
    /// How often a periodic service (a pension, an allowance) repeats.
    Recurrence {
        Monthly = ["monthly", "ежемесячно"],
        Quarterly = ["quarterly", "ежеквартально"],
        Yearly = ["yearly", "ежегодно"],
    }
}

vocabulary! {
    /// The typical administrative procedures of the Concept (IV.8), plus resumption.
    ProcedureKind {
        Profiling = ["profiling", "профилирование"],
        Intake = ["intake", "приём", "прием"],
        Interagency = ["interagency", "межведомственный_запрос"],
        Suspension = ["suspension", "приостановление"],
        Resumption = ["resumption", "возобновление"],
        Decision = ["decision", "решение"],
        Delivery = ["delivery", "выдача_результата"],
        MoreData = ["more_data", "дополнительные_сведения"],
        Allocation = ["allocation", "распределение_ресурса"],
        Assessment = ["assessment", "оценка"],
        ProactiveStart = ["proactive_start", "проактивный_запуск"],
    }
}

vocabulary! {
    /// Whether a proactive start needs the citizen's explicit consent.
    Consent {
        OptOut = ["opt_out", "презюмируемое", "по_умолчанию"],
        Explicit = ["explicit", "явное"],
    }
}

vocabulary! {
    /// What a legally significant event is. A `death` stops the holder's payments.
    EventKind {
        Birth = ["birth", "рождение"],
        Death = ["death", "смерть"],
        Marriage = ["marriage", "брак"],
        Divorce = ["divorce", "развод"],
        NameChange = ["name_change", "перемена_имени"],
        AgeReached = ["age_reached", "достижение_возраста"],
        Disability = ["disability", "инвалидность"],
        JobLoss = ["job_loss", "потеря_работы"],
        Purchase = ["purchase", "покупка"],
        Other = ["other", "другое"],
    }
}

vocabulary! {
    /// Notification channels.
    Channel {
        Portal = ["portal", "портал"],
        Sms = ["sms", "смс"],
        Push = ["push", "пуш"],
        Email = ["email", "эл_почта"],
        Mfc = ["mfc", "мфц"],
        Post = ["post", "почта"],
    }
}

vocabulary! {
    /// Built-in types.
    Builtin {
        Bool = ["bool", "логический"],
        Int = ["int", "целое"],
        Decimal = ["decimal", "дробное"],
        Money = ["money", "деньги"],
        Date = ["date", "дата"],
        Days = ["days", "дни"],
        WorkingDays = ["working_days", "рабочие_дни"],
        Months = ["months", "месяцы"],
        Years = ["years", "годы"],
        Text = ["text", "текст"],
        Snils = ["snils", "снилс"],
        Inn = ["inn", "инн"],
        Ogrn = ["ogrn", "огрн"],
        Document = ["document", "документ"],
    }
}

vocabulary! {
    /// Built-in functions and aggregates.
    Function {
        Count = ["count", "количество"],
        Sum = ["sum", "сумма"],
        Any = ["any", "любой"],
        All = ["all", "все"],
        Min = ["min", "мин"],
        Max = ["max", "макс"],
        Age = ["age", "возраст"],
        DaysBetween = ["days_between", "дней_между"],
        FirstWorkingDay = ["first_working_day", "первый_рабочий_день"],
        Total = ["total", "сумма_за"],
        ValueOn = ["value_on", "на_дату"],
        Round = ["round", "округлить"],
        ScaleRate = ["scale_rate", "по_ставкам_шкалы"],
        ScaleAmount = ["scale_amount", "по_суммам_шкалы"],
        Bracket = ["bracket", "ступень_шкалы"],
    }
}

vocabulary! {
    /// Kinds of typed identifier literals: `snils "…"`, `inn "…"`, `ogrn "…"`.
    IdKind {
        Snils = ["snils", "снилс"],
        Inn = ["inn", "инн"],
        Ogrn = ["ogrn", "огрн"],
    }
}

/// The unit of a term: calendar days, working days (by the production calendar), months
/// or years (counted as the Civil Code counts them, art. 190–193).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Days,
    WorkingDays,
    Months,
    Years,
}

impl Unit {
    /// The type's name, as an author writes it.
    pub fn type_name(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::WorkingDays => "working_days",
            Unit::Months => "months",
            Unit::Years => "years",
        }
    }

    /// A count of the unit, as an author writes it: `1 day`, `3 working days`, `6 months`.
    pub fn show(self, n: i64) -> String {
        let one = n.abs() == 1;
        let word = match (self, one) {
            (Unit::Days, true) => "day",
            (Unit::Days, false) => "days",
            (Unit::WorkingDays, true) => "working day",
            (Unit::WorkingDays, false) => "working days",
            (Unit::Months, true) => "month",
            (Unit::Months, false) => "months",
            (Unit::Years, true) => "year",
            (Unit::Years, false) => "years",
        };
        format!("{n} {word}")
    }
}

/// How many entities an event role binds: one, none or one, or each of several (a
/// trigger on the event fires once for each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleMode {
    One,
    Optional,
    Each,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// A closed set of values that travels as text (JSON, summaries, reports): each variant
/// with its one name, which it serialises as and displays as.
macro_rules! closed_set {
    ($(#[$doc:meta])* $vis:vis enum $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(serde::Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name { $($(#[$vdoc])* #[serde(rename = $text)] $variant),* }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}
pub(crate) use closed_set;
