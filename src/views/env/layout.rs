//! The arrangement of an Environment's Applications: which pass the filter, in which
//! order, in which sections (status groups, Blueprints or one list, then the backing
//! services), and where they fall on screen as a grid of cards or a list of rows.
//!
//! [`derive`] runs when the applications, the filter or the grouping change, never per
//! frame. Everything else here is arithmetic over the sections (a handful), so moving the
//! selection, scrolling and drawing never walk every Application.
//!
//! The screen is a sequence of *bands*: each section is a header band (one row) followed
//! by its card rows (a card's height in the grid, one row in the list). Scrolling counts
//! bands, so the top of the screen always starts on a whole header or card.

use crate::model::{AppKind, AppStatus, Application};
use crate::state::list::Filter;

/// The narrowest card; the grid fits as many columns of at least this width as it can.
pub const CARD_MIN_WIDTH: u16 = 36;
/// A card's height, borders included.
pub const CARD_HEIGHT: u16 = 9;

/// The status groups, in the order they are shown: worst first, so that the first
/// screen of an Environment with a problem shows it (a status this console does not know
/// is worth a look before what runs well).
pub const STATUS_ORDER: [AppStatus; 8] = [
    AppStatus::Failed,
    AppStatus::Degraded,
    AppStatus::PendingApproval,
    AppStatus::Installing,
    AppStatus::Updating,
    AppStatus::Paused,
    AppStatus::Unknown,
    AppStatus::Running,
];

/// The place of `status` in [`STATUS_ORDER`].
pub fn status_rank(status: AppStatus) -> usize {
    STATUS_ORDER
        .iter()
        .position(|s| *s == status)
        .unwrap_or(STATUS_ORDER.len() - 1)
}

/// How the Applications are grouped (`o` cycles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Grouping {
    #[default]
    Status,
    Blueprint,
    None,
}

impl Grouping {
    /// The next grouping: status → blueprint → none → status.
    pub fn next(self) -> Grouping {
        match self {
            Grouping::Status => Grouping::Blueprint,
            Grouping::Blueprint => Grouping::None,
            Grouping::None => Grouping::Status,
        }
    }

    /// How the header line names it.
    pub fn describe(self) -> &'static str {
        match self {
            Grouping::Status => "grouped by status",
            Grouping::Blueprint => "grouped by blueprint",
            Grouping::None => "not grouped",
        }
    }
}

/// Cards or rows (`v` toggles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Grid,
    List,
}

impl Mode {
    pub fn toggled(self) -> Mode {
        match self {
            Mode::Grid => Mode::List,
            Mode::List => Mode::Grid,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Mode::Grid => "grid",
            Mode::List => "list",
        }
    }
}

/// What a section holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionKind {
    Status(AppStatus),
    Blueprint(String),
    /// Every Application, ungrouped.
    All,
    /// Postgres, Redis, Kafka, object stores: always their own section, last.
    Services,
}

/// A run of `len` entries of the display order starting at `start`; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub kind: SectionKind,
    pub start: usize,
    pub len: usize,
}

/// Counts over the whole Environment (not just what passes the filter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Applications proper.
    pub apps: usize,
    /// Applications per status, in [`STATUS_ORDER`].
    pub by_status: [usize; 8],
    pub services: usize,
    /// Backing services that are not Running.
    pub services_not_running: usize,
}

/// The derived arrangement: indices into the Applications in display order, cut into
/// sections.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derived {
    pub order: Vec<usize>,
    pub sections: Vec<Section>,
    pub counts: Counts,
}

/// Whether `app` passes `filter`: its name, Blueprint (and version), status word and
/// endpoint are searched.
pub fn matches(filter: &Filter, app: &Application) -> bool {
    if !filter.is_active() {
        return true;
    }
    filter.matches(&format!(
        "{} {} {} {} {}",
        app.name,
        app.blueprint.name,
        app.blueprint.version,
        app.status.label(),
        app.endpoint.as_deref().unwrap_or("")
    ))
}

/// Arranges `apps`: filtered, sorted by the grouping (then by name), sectioned, with the
/// backing services last.
pub fn derive(apps: &[Application], filter: &Filter, grouping: Grouping) -> Derived {
    let mut counts = Counts::default();
    let mut own = Vec::new();
    let mut services = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        let service = app.kind == AppKind::BackingService;
        if service {
            counts.services += 1;
            counts.services_not_running += usize::from(app.status != AppStatus::Running);
        } else {
            counts.apps += 1;
            counts.by_status[status_rank(app.status)] += 1;
        }
        if matches(filter, app) {
            if service {
                services.push(i);
            } else {
                own.push(i);
            }
        }
    }
    let by_name = |a: &usize, b: &usize| apps[*a].name.cmp(&apps[*b].name);
    match grouping {
        Grouping::Status => own.sort_by(|a, b| {
            status_rank(apps[*a].status)
                .cmp(&status_rank(apps[*b].status))
                .then_with(|| by_name(a, b))
        }),
        Grouping::Blueprint => own.sort_by(|a, b| {
            apps[*a]
                .blueprint
                .name
                .cmp(&apps[*b].blueprint.name)
                .then_with(|| by_name(a, b))
        }),
        Grouping::None => own.sort_by(by_name),
    }
    services.sort_by(by_name);

    let mut sections = Vec::new();
    let kind_of = |i: usize| match grouping {
        Grouping::Status => SectionKind::Status(apps[i].status),
        Grouping::Blueprint => SectionKind::Blueprint(apps[i].blueprint.name.clone()),
        Grouping::None => SectionKind::All,
    };
    let mut start = 0;
    while start < own.len() {
        let kind = kind_of(own[start]);
        let mut end = start + 1;
        while end < own.len() && same_group(grouping, &apps[own[start]], &apps[own[end]]) {
            end += 1;
        }
        sections.push(Section {
            kind,
            start,
            len: end - start,
        });
        start = end;
    }
    if !services.is_empty() {
        sections.push(Section {
            kind: SectionKind::Services,
            start: own.len(),
            len: services.len(),
        });
    }
    let mut order = own;
    order.extend(services);
    Derived {
        order,
        sections,
        counts,
    }
}

fn same_group(grouping: Grouping, a: &Application, b: &Application) -> bool {
    match grouping {
        Grouping::Status => a.status == b.status,
        Grouping::Blueprint => a.blueprint.name == b.blueprint.name,
        Grouping::None => true,
    }
}

/// Columns and row height of the arrangement at a width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub cols: usize,
    /// Width of one card (the whole width in the list).
    pub card_width: u16,
    pub row_height: u16,
}

impl Geometry {
    pub fn new(mode: Mode, width: u16) -> Geometry {
        match mode {
            Mode::Grid => {
                let cols = (width / CARD_MIN_WIDTH).max(1);
                Geometry {
                    cols: usize::from(cols),
                    card_width: width / cols,
                    row_height: CARD_HEIGHT,
                }
            }
            Mode::List => Geometry {
                cols: 1,
                card_width: width,
                row_height: 1,
            },
        }
    }

    /// Card rows that fit in `height` rows (at least one).
    pub fn page(self, height: u16) -> usize {
        usize::from((height / self.row_height.max(1)).max(1))
    }
}

/// One band of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// The header of section `0`.
    Header(usize),
    /// Card row `row` of `section`.
    Row { section: usize, row: usize },
}

impl Band {
    pub fn height(self, geo: Geometry) -> u16 {
        match self {
            Band::Header(_) => 1,
            Band::Row { .. } => geo.row_height,
        }
    }
}

impl Derived {
    /// Card rows of section `s`.
    fn rows_in(&self, s: usize, cols: usize) -> usize {
        self.sections
            .get(s)
            .map_or(0, |sec| sec.len.div_ceil(cols.max(1)))
    }

    /// Every band, counted.
    pub fn band_count(&self, cols: usize) -> usize {
        (0..self.sections.len())
            .map(|s| 1 + self.rows_in(s, cols))
            .sum()
    }

    /// The band at `index`.
    pub fn band(&self, cols: usize, index: usize) -> Option<Band> {
        let mut first = 0;
        for s in 0..self.sections.len() {
            let n = 1 + self.rows_in(s, cols);
            if index < first + n {
                return Some(match index - first {
                    0 => Band::Header(s),
                    k => Band::Row {
                        section: s,
                        row: k - 1,
                    },
                });
            }
            first += n;
        }
        None
    }

    /// The bands from `index` on, in order.
    pub fn bands_from(&self, cols: usize, index: usize) -> impl Iterator<Item = Band> + '_ {
        let start = self.band(cols, index);
        let mut next = start;
        std::iter::from_fn(move || {
            let band = next?;
            next = match band {
                Band::Header(s) => Some(Band::Row { section: s, row: 0 }),
                Band::Row { section, row } if row + 1 < self.rows_in(section, cols) => {
                    Some(Band::Row {
                        section,
                        row: row + 1,
                    })
                }
                Band::Row { section, .. } if section + 1 < self.sections.len() => {
                    Some(Band::Header(section + 1))
                }
                Band::Row { .. } => None,
            };
            Some(band)
        })
    }

    /// The section holding display position `pos`.
    pub fn section_of(&self, pos: usize) -> usize {
        self.sections
            .partition_point(|s| s.start + s.len <= pos)
            .min(self.sections.len().saturating_sub(1))
    }

    /// The band holding display position `pos`.
    pub fn band_of(&self, cols: usize, pos: usize) -> usize {
        let s = self.section_of(pos);
        let before: usize = (0..s).map(|i| 1 + self.rows_in(i, cols)).sum();
        let row = self
            .sections
            .get(s)
            .map_or(0, |sec| pos.saturating_sub(sec.start) / cols.max(1));
        before + 1 + row
    }

    /// The display positions of card row `row` of section `s`.
    pub fn row_positions(&self, cols: usize, s: usize, row: usize) -> std::ops::Range<usize> {
        let Some(sec) = self.sections.get(s) else {
            return 0..0;
        };
        let start = (sec.start + row * cols).min(sec.start + sec.len);
        let end = (start + cols).min(sec.start + sec.len);
        start..end
    }
}
