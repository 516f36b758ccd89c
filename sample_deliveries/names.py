"""Vietnamese personal names with diacritics, drawn with realistic frequencies, vectorised."""

from __future__ import annotations

import numpy as np
import polars as pl

# Family names and their approximate shares in northern Vietnam.
FAMILY = {
    "Nguyễn": 36, "Trần": 11, "Lê": 9, "Phạm": 7, "Hoàng": 5, "Vũ": 4.5, "Phan": 3, "Đặng": 2.5,
    "Bùi": 2.5, "Đỗ": 2.2, "Ngô": 1.5, "Dương": 1.2, "Đinh": 1.2, "Trịnh": 1.0, "Lương": 0.8,
    "Đào": 0.8, "Mai": 0.7, "Tạ": 0.6, "Lý": 0.5, "Hồ": 0.5, "Cao": 0.5, "Kiều": 0.4, "Chu": 0.4,
    "Khuất": 0.3, "Nghiêm": 0.3, "Quách": 0.3, "Lưu": 0.4, "Tô": 0.3, "Đoàn": 0.6, "Vương": 0.3,
}
MIDDLE_MALE = {"Văn": 30, "Đức": 12, "Minh": 10, "Quang": 7, "Hữu": 6, "Công": 5, "Thành": 4,
               "Xuân": 4, "Tuấn": 3, "Hoàng": 3, "Mạnh": 3, "Trung": 3, "Gia": 4, "Anh": 3,
               "Việt": 3, "Đình": 4, "Bảo": 3}
MIDDLE_FEMALE = {"Thị": 40, "Ngọc": 9, "Thu": 6, "Thanh": 6, "Minh": 5, "Phương": 4, "Hồng": 4,
                 "Kim": 3, "Thuỳ": 3, "Khánh": 3, "Hải": 2, "Bảo": 3, "Diệu": 2, "Mai": 2,
                 "Quỳnh": 2, "Hà": 2, "Tuệ": 2}
GIVEN_MALE = ["Anh", "Bảo", "Bình", "Cường", "Dũng", "Đạt", "Dương", "Đức", "Hải", "Hiếu",
              "Hoàng", "Huy", "Hùng", "Khánh", "Khoa", "Kiên", "Long", "Lâm", "Mạnh", "Minh",
              "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành",
              "Trung", "Tùng", "Tuấn", "Việt", "Vinh", "Vũ", "Hưng", "Đông", "Lộc", "Khôi",
              "Nguyên", "Thịnh", "Toàn", "Trọng", "Tiến", "Hiển", "Quý", "Đăng"]
GIVEN_FEMALE = ["Anh", "Châu", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa",
                "Hương", "Huyền", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc",
                "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thu", "Trang", "Uyên", "Vân", "Yến",
                "Diệp", "Hảo", "Hoà", "Khuê", "Lụa", "Nguyệt", "Nhi", "Thuỷ", "Thư", "Trâm",
                "Tuyết", "Xuân", "Ánh", "Diễm", "Gấm", "Liên", "Hậu", "Nhàn"]

ETHNICITIES = {"Kinh": 93.0, "Mường": 2.2, "Tày": 1.4, "Thái": 0.9, "Dao": 0.6, "Nùng": 0.6,
               "H'Mông": 0.4, "Hoa": 0.5, "Sán Dìu": 0.2, "Sán Chay": 0.2}
NATIONALITIES = {"Việt Nam": 99.4, "Hàn Quốc": 0.2, "Trung Quốc": 0.15, "Nhật Bản": 0.1, "Hoa Kỳ": 0.05,
                 "Pháp": 0.05, "Lào": 0.05}


def _draw(rng: np.random.Generator, table: dict | list, n: int) -> np.ndarray:
    values = list(table)
    if isinstance(table, dict):
        p = np.asarray(list(table.values()), dtype=float)
        p /= p.sum()
    else:
        p = None
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=p)]


def full_names(rng: np.random.Generator, female: np.ndarray, family: np.ndarray | None = None) -> np.ndarray:
    """'Nguyễn Thị Lan' style names; `family` imposes family names (a child takes the father's)."""
    female = np.asarray(female, dtype=bool)
    n = len(female)
    fam = _draw(rng, FAMILY, n) if family is None else np.asarray(family, dtype=object)
    middle = np.where(female, _draw(rng, MIDDLE_FEMALE, n), _draw(rng, MIDDLE_MALE, n))
    given = np.where(female, _draw(rng, GIVEN_FEMALE, n), _draw(rng, GIVEN_MALE, n))
    # about one in six modern names has two middle names ("Nguyễn Ngọc Bảo Anh")
    second = np.where(female, _draw(rng, MIDDLE_FEMALE, n), _draw(rng, MIDDLE_MALE, n))
    two = (rng.random(n) < 0.15) & (second != middle)
    frame = pl.DataFrame({"f": fam.tolist(), "m": middle.tolist(), "s": second.tolist(), "g": given.tolist(),
                          "two": two.tolist()}, schema={"f": pl.String, "m": pl.String, "s": pl.String,
                                                        "g": pl.String, "two": pl.Boolean})
    out = frame.select(pl.when(pl.col("two"))
                       .then(pl.concat_str("f", "m", "s", "g", separator=" "))
                       .otherwise(pl.concat_str("f", "m", "g", separator=" ")))
    return out.to_series().to_numpy().astype(object)


def family_of(names: np.ndarray) -> np.ndarray:
    return np.asarray([s.split(" ", 1)[0] for s in names], dtype=object)


def ethnicities(rng: np.random.Generator, n: int) -> np.ndarray:
    return _draw(rng, ETHNICITIES, n)


def nationalities(rng: np.random.Generator, n: int) -> np.ndarray:
    return _draw(rng, NATIONALITIES, n)
